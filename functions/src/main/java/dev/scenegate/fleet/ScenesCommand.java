package dev.scenegate.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.cli.CliCommand;
import dev.scenegate.cli.CliException;
import dev.scenegate.cli.StateLocation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Registers {@code scenegate scenes}: the options, parsed by picocli into {@link Scenes.Options}.
 */
@Command(
    name = "scenes",
    customSynopsis =
        "scenegate scenes (--bucket B | --dir DIR) [--failed] [--stale] [--state-prefix P]"
            + " [--json]",
    header = "the fleet: every scene's verdict, failed, waiting, running and stale stages",
    description =
        """
        Every scene with a state document, failures first: its E2E verdict, the stages failed,
        waiting and running, the time of its last change, and the stages past their deadline
        (stale). Reads the state documents only: one listing, then one read per scene in
        parallel. A state document that cannot be read is listed as unreadable.
        """,
    footer =
        """
        deadlines (environment): SLA_RUNNING (default PT6H), SLA_WAITING (default PT24H),
          SLA_<STAGE> for one stage (e.g. SLA_GENIESIM_EXPORT=PT12H); ISO-8601 durations

        exit codes: 0 the fleet was listed (whatever the verdicts), 2 bad input, or the states
                    could not be listed""")
public final class ScenesCommand extends CliCommand {

  @Mixin StateLocation location;

  @Option(names = "--failed", description = "only failed scenes")
  boolean failed;

  @Option(names = "--stale", description = "only scenes with a stale stage (with --failed: either)")
  boolean stale;

  @Option(
      names = "--json",
      description =
          "{\"scenes\": [{\"scene_id\", \"verdict\", \"updated_at\", \"failed_stages\","
              + " \"waiting_stages\", \"running_stages\", \"stale\": [{\"stage\", \"since\"}]}],"
              + " \"counts\": {verdict: n}} on one line; an unreadable document has verdict"
              + " \"unreadable\" and an \"error\"")
  boolean json;

  @Override
  protected int run() throws Exception {
    return Scenes.run(
        new Scenes.Options(
            location.bucket(), location.dir(), location.statePrefix(), failed, stale, json),
        console());
  }

  @Override
  protected ObjectNode jsonFailure(CliException e) {
    return Scenes.jsonError(e);
  }
}
