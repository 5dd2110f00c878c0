package dev.scenegate.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.cli.CliCommand;
import dev.scenegate.cli.CliException;
import dev.scenegate.cli.Console;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.cli.Main;
import dev.scenegate.cli.StopSignals;
import dev.scenegate.events.EventJson;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code scenegate sweep (--bucket B | --dir DIR) [--json]}: the scheduled job. */
@Command(
    name = "sweep",
    customSynopsis = "scenegate sweep (--bucket B | --dir DIR) [--json]",
    header = "the scheduled job: reconcile, then the freshness check, then a metadata audit",
    description =
        """
        The deployment's scheduled job (a Cloud Run Job, hourly by default): reconcile (every
        marker whose event was lost is processed), then the freshness check (stages running or
        waiting past their deadline raise one freshness alert each), then a metadata-level
        audit (verified files still at the generation that was verified). Findings go out as
        stage events and alerts, and are in the report.

        SIGTERM (Cloud Run stopping the task) or Ctrl-C ends the step after the scene in hand:
        each scene's state is one compare-and-set write, so nothing is left half-written. It
        says how to resume and exits 143, so that Cloud Run counts the task as not done; the
        next run picks up where this one stopped.
        """,
    footer =
        """
        environment (--bucket): DATA_BUCKET (--bucket overrides it), STATE_BUCKET,
                     STATE_PREFIX, GOOGLE_CLOUD_PROJECT, STAGE_EVENTS_TOPIC,
                     CHECKSUM_ALERTS_TOPIC, SLA_RUNNING, SLA_WAITING, SLA_<STAGE>, thresholds;
                     SCENEGATE_LOG_LEVEL=INFO for the structured logs of every scene

        exit codes: 0 every step ran to the end (findings were sent as events and alerts),
                    1 a scene or marker could not be swept (see the report's errors),
                    2 bad input (bad arguments, no such bucket, listing failed),
                    143 stopped by SIGTERM before the end (run again to resume)""")
public final class SweepCommand extends CliCommand {
  /** DESIGN "Signals": a batch job stopped by SIGTERM exits 143. */
  static final int STOPPED = 143;

  @Mixin SweepTarget target;

  @Option(
      names = "--json",
      description =
          "print {\"steps\": {\"reconcile\": {...}, ...}, \"complete\", \"duration_ms\"} on one"
              + " line, each step's report as its own command prints it")
  boolean json;

  @Override
  protected int run() throws Exception {
    Console console = console();
    AtomicBoolean stop = new AtomicBoolean();
    try (SweepWiring wiring = SweepWiring.open(target, console, true);
        StopSignals signals = StopSignals.install(() -> stop.set(true))) {
      Sweep sweep =
          new Sweep(
              SweepSteps.standard(
                  wiring.data,
                  wiring.handler,
                  wiring.publisher,
                  wiring.registry,
                  wiring.meters,
                  wiring.clock,
                  wiring.deadlines,
                  wiring.ledger),
              wiring.meters,
              wiring.clock);
      Sweep.Result result;
      try {
        result = sweep.run(stop::get);
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.BAD_INPUT,
            "STORAGE_ERROR",
            "cannot sweep " + wiring.data.describe("scenes/") + ": " + Main.describe(e));
      }
      print(console, wiring, result);
      if (!result.complete()) {
        console
            .err()
            .println(
                "scenegate sweep: stopped before the end; nothing is half-written (each scene's"
                    + " state is one write); run the same command again to resume");
        return STOPPED;
      }
      if (!result.errors().isEmpty()) {
        console
            .err()
            .println(
                "scenegate sweep: FAIL some scenes could not be swept ("
                    + String.join(", ", result.errors())
                    + "); the next sweep tries them again");
        return ExitCodes.FAILED;
      }
      return ExitCodes.OK;
    }
  }

  private void print(Console console, SweepWiring wiring, Sweep.Result result) {
    if (json) {
      ObjectNode answer = EventJson.MAPPER.createObjectNode();
      ObjectNode steps = answer.putObject("steps");
      result.steps().forEach(steps::set);
      answer.put("complete", result.complete());
      answer.put("duration_ms", result.duration().toMillis());
      console.out().println(answer.toString());
      return;
    }
    for (Map.Entry<String, JsonNode> step : result.steps().entrySet()) {
      console.out().println(step.getKey() + ": " + step.getValue());
    }
    console
        .out()
        .println(
            "scenegate sweep: "
                + wiring.data.describe("scenes/")
                + " swept in "
                + result.duration().toMillis()
                + " ms"
                + (result.findings().isEmpty()
                    ? ""
                    : "; findings from " + String.join(", ", result.findings())));
  }

  /** On exit 2 with --json: no steps, and the error. */
  @Override
  protected ObjectNode jsonFailure(CliException e) {
    ObjectNode answer = EventJson.MAPPER.createObjectNode();
    answer.putNull("steps");
    answer.put("complete", false);
    answer.set("error", e.toJson());
    return answer;
  }
}
