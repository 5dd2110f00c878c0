package dev.scenegate.fleet;

import dev.scenegate.cli.CliCommand;
import dev.scenegate.cli.CliException;
import dev.scenegate.cli.StateLocation;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Registers {@code scenegate board}: the options, parsed by picocli into {@link Board.Options}. */
@Command(
    name = "board",
    customSynopsis =
        "scenegate board (--bucket B | --dir DIR) [--port P] [--html FILE] [--state-prefix P]",
    header = "the fleet in the browser: a read-only page on 127.0.0.1, or an HTML snapshot",
    description =
        """
        Serves a read-only page on http://127.0.0.1:P/ (default port 8790) with your own
        credentials: the fleet grid (one row per scene, one cell per stage, coloured by status,
        filters by verdict and text, counts), and each scene's page (stage timeline, failures
        with expected and actual sizes and digests, the .failed marker, remediation, alerts).
        The page refreshes itself. Nothing is fetched from the internet. Only GET requests whose
        Host is 127.0.0.1:P or localhost:P are answered.
        """,
    footer =
        """
        deadlines (environment): SLA_RUNNING (default PT6H), SLA_WAITING (default PT24H),
          SLA_<STAGE> for one stage; ISO-8601 durations

        exit codes: 0 stopped with Ctrl-C (or the snapshot was written), 2 bad input, the
                    port is taken, or the states could not be listed""")
public final class BoardCommand extends CliCommand {

  @Mixin StateLocation location;

  @Option(
      names = "--port",
      paramLabel = "P",
      description = "the port on 127.0.0.1 (default 8790; 0: any free port)")
  String port;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      description =
          "write one self-contained page (the fleet, then every failed, running or stale scene)"
              + " to FILE and exit, e.g. to attach to a ticket")
  String html;

  @Override
  protected int run() throws Exception {
    Integer portNumber = null;
    if (port != null) {
      portNumber =
          port.equals("0") ? 0 : dev.scenegate.cli.Numbers.positiveInt("--port", port, 0, 65535);
    }
    Path file = null;
    if (html != null) {
      try {
        file = Path.of(html);
      } catch (InvalidPathException e) {
        throw CliException.usage("--html: invalid path " + html);
      }
    }
    return Board.run(
        new Board.Options(
            location.bucket(), location.dir(), location.statePrefix(), portNumber, file),
        console());
  }
}
