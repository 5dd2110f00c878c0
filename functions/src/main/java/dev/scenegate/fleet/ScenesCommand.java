package dev.scenegate.fleet;

import dev.scenegate.cli.Args;
import dev.scenegate.cli.CliException;
import dev.scenegate.cli.Command;
import dev.scenegate.cli.Console;
import dev.scenegate.cli.Main;
import java.util.List;
import java.util.Set;

/** Registers {@code scenegate scenes}: parses the arguments into {@link Scenes.Options}. */
public final class ScenesCommand implements Command {

  @Override
  public String name() {
    return "scenes";
  }

  @Override
  public String summary() {
    return "the fleet: every scene's verdict, failed, waiting, running and stale stages";
  }

  @Override
  public String help() {
    return """
        usage: scenegate scenes (--bucket B | --dir DIR) [--failed] [--stale] [--state-prefix P]
                                [--json]

        Every scene with a state document, failures first: its E2E verdict, the stages failed,
        waiting and running, the time of its last change, and the stages past their deadline
        (stale). Reads the state documents only: one listing, then one read per scene in
        parallel. A state document that cannot be read is listed as unreadable.

        options:
          --bucket B        the state bucket on Cloud Storage, B or gs://B
          --dir DIR         a local folder acting as the bucket (local mode)
          --failed          only failed scenes
          --stale           only scenes with a stale stage (both flags: either)
          --state-prefix P  folder of the state documents (default _scenegate/state/)
          --json            {"scenes": [{"scene_id", "verdict", "updated_at", "failed_stages",
                            "waiting_stages", "running_stages", "stale": [{"stage", "since"}]}],
                            "counts": {verdict: n}} on one line; an unreadable document has
                            verdict "unreadable" and an "error"

        deadlines (environment): SLA_RUNNING (default PT6H), SLA_WAITING (default PT24H),
          SLA_<STAGE> for one stage (e.g. SLA_GENIESIM_EXPORT=PT12H); ISO-8601 durations

        exit codes: 0 the fleet was listed (whatever the verdicts), 2 bad input, or the states
                    could not be listed
        """;
  }

  @Override
  public Set<String> flags() {
    return Set.of("failed", "stale", "json");
  }

  @Override
  public Set<String> valueOptions() {
    return Set.of("bucket", "dir", "state-prefix");
  }

  @Override
  public int rejectArguments(List<String> rawArgs, CliException problem, Console console)
      throws CliException {
    if (!rawArgs.contains("--json")) {
      throw problem;
    }
    return answerInJson(problem, console);
  }

  @Override
  public int run(Args args, Console console) throws Exception {
    boolean json = args.flag("json");
    try {
      args.expectPositional(0, "nothing");
      return Scenes.run(
          new Scenes.Options(
              args.value("bucket"),
              args.value("dir"),
              args.value("state-prefix"),
              args.flag("failed"),
              args.flag("stale"),
              json),
          console);
    } catch (CliException e) {
      if (!json) {
        throw e;
      }
      return answerInJson(e, console);
    }
  }

  private static int answerInJson(CliException e, Console console) {
    console.out().println(Scenes.jsonError(e));
    console.err().println("scenegate scenes: " + Main.oneLine(e.getMessage()));
    return e.exitCode();
  }
}
