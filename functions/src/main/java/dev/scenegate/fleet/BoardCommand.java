package dev.scenegate.fleet;

import dev.scenegate.cli.Args;
import dev.scenegate.cli.CliException;
import dev.scenegate.cli.Command;
import dev.scenegate.cli.Console;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;

/** Registers {@code scenegate board}: parses the arguments into {@link Board.Options}. */
public final class BoardCommand implements Command {

  @Override
  public String name() {
    return "board";
  }

  @Override
  public String summary() {
    return "the fleet in the browser: a read-only page on 127.0.0.1, or an HTML snapshot";
  }

  @Override
  public String help() {
    return """
        usage: scenegate board (--bucket B | --dir DIR) [--port P] [--html FILE]
                               [--state-prefix P]

        Serves a read-only page on http://127.0.0.1:P/ (default port %d) with your own
        credentials: the fleet grid (one row per scene, one cell per stage, coloured by status,
        filters by verdict and text, counts), and each scene's page (stage timeline, failures
        with expected and actual sizes and digests, the .failed marker, remediation, alerts).
        The page refreshes itself. Nothing is fetched from the internet. Only GET requests whose
        Host is 127.0.0.1:P or localhost:P are answered.

        options:
          --bucket B        the state bucket on Cloud Storage, B or gs://B
          --dir DIR         a local folder acting as the bucket (local mode)
          --port P          the port on 127.0.0.1 (default %d; 0: any free port)
          --html FILE       write one self-contained page (the fleet, then every failed, running
                            or stale scene) to FILE and exit, e.g. to attach to a ticket
          --state-prefix P  folder of the state documents (default _scenegate/state/)

        deadlines (environment): SLA_RUNNING (default PT6H), SLA_WAITING (default PT24H),
          SLA_<STAGE> for one stage; ISO-8601 durations

        exit codes: 0 stopped with Ctrl-C (or the snapshot was written), 2 bad input, the
                    port is taken, or the states could not be listed
        """
        .formatted(Board.DEFAULT_PORT, Board.DEFAULT_PORT);
  }

  @Override
  public Set<String> valueOptions() {
    return Set.of("bucket", "dir", "port", "html", "state-prefix");
  }

  @Override
  public int run(Args args, Console console) throws Exception {
    args.expectPositional(0, "nothing");
    Integer port = null;
    if (args.value("port") != null) {
      port = args.value("port").equals("0") ? 0 : args.positiveInt("port", 0, 65535);
    }
    Path html = null;
    if (args.value("html") != null) {
      try {
        html = Path.of(args.value("html"));
      } catch (InvalidPathException e) {
        throw CliException.usage("--html: invalid path " + args.value("html"));
      }
    }
    return Board.run(
        new Board.Options(
            args.value("bucket"), args.value("dir"), args.value("state-prefix"), port, html),
        console);
  }
}
