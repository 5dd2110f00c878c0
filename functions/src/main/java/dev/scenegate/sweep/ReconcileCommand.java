package dev.scenegate.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.cli.CliCommand;
import dev.scenegate.cli.CliException;
import dev.scenegate.cli.Console;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.cli.Main;
import dev.scenegate.cli.SceneTarget;
import dev.scenegate.events.EventJson;
import dev.scenegate.pipeline.MarkerRef;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code scenegate reconcile (--bucket B | --dir DIR) [--scene ID] [--dry-run] [--json]}. */
@Command(
    name = "reconcile",
    customSynopsis =
        "scenegate reconcile (--bucket B | --dir DIR) [--scene ID] [--dry-run] [--json]",
    header = "process every marker whose event was lost (the platform's, or a trigger's outage)",
    description =
        """
        Lists the markers under scenes/*/ and reads each scene's state once; every marker whose
        current generation the state has not processed runs through the marker function's own
        handler, under the marker's own key (bucket/object#generation), so a late delivery of
        the real event is a duplicate. Running it again re-drives nothing. A scene folder whose
        name is not a scene id is skipped with a warning; a state that cannot be read back is
        reported under errors and left as it is.
        """,
    footer =
        """
        environment (--bucket): STATE_BUCKET, STATE_PREFIX, GOOGLE_CLOUD_PROJECT,
                     STAGE_EVENTS_TOPIC, CHECKSUM_ALERTS_TOPIC, thresholds, as the marker function

        exit codes: 0 done (errors, if any, are listed), 1 a re-driven marker failed a stage,
                    2 bad input (bad arguments, no such bucket or folder, listing failed)""")
public final class ReconcileCommand extends CliCommand {
  @Mixin SweepTarget target;

  @Option(names = "--scene", paramLabel = "ID", description = "only this scene")
  String scene;

  @Option(names = "--dry-run", description = "list what would be re-driven; change nothing")
  boolean dryRun;

  @Option(
      names = "--json",
      description =
          "print {\"markers_seen\", \"redriven\": [{\"object\", \"generation\"}], \"errors\":"
              + " [{\"object\", \"message\"}]} on one line")
  boolean json;

  @Override
  protected int run() throws Exception {
    Console console = console();
    if (scene != null) {
      SceneTarget.sceneId(scene);
    }
    try (SweepWiring wiring = SweepWiring.open(target, console, !dryRun)) {
      Reconciler reconciler =
          new Reconciler(wiring.data, wiring.handler, wiring.meters, wiring.clock, scene, dryRun);
      Reconciler.Reconciliation done;
      try {
        done = reconciler.reconcile(() -> false);
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.BAD_INPUT,
            "STORAGE_ERROR",
            "cannot list " + wiring.data.describe("scenes/") + ": " + Main.describe(e));
      }
      for (String warning : done.warnings()) {
        console.err().println("scenegate reconcile: warning: " + Main.oneLine(warning));
      }
      print(console, wiring, done);
      if (!done.failedStages().isEmpty()) {
        console
            .err()
            .println(
                "scenegate reconcile: FAIL re-driven markers failed "
                    + String.join(", ", done.failedStages()));
        return ExitCodes.FAILED;
      }
      return ExitCodes.OK;
    }
  }

  private void print(Console console, SweepWiring wiring, Reconciler.Reconciliation done) {
    Reconciler.Report report = done.report();
    if (json) {
      console.out().println(EventJson.MAPPER.valueToTree(report).toString());
      return;
    }
    for (MarkerRef marker : report.redriven()) {
      console
          .out()
          .println(
              (dryRun ? "would re-drive " : "re-driven ")
                  + marker.object()
                  + "#"
                  + marker.generation());
    }
    for (Reconciler.Problem problem : report.errors()) {
      console.out().println("error " + problem.object() + ": " + Main.oneLine(problem.message()));
    }
    console
        .out()
        .println(
            "scenegate reconcile: "
                + report.markersSeen()
                + " marker(s) seen in "
                + wiring.data.describe(scene == null ? "scenes/" : "scenes/" + scene + "/")
                + ", "
                + report.redriven().size()
                + (dryRun ? " would be re-driven, " : " re-driven, ")
                + report.errors().size()
                + " error(s)");
  }

  /** On exit 2 with --json: the report's keys, null, and the error. */
  @Override
  protected ObjectNode jsonFailure(CliException e) {
    ObjectNode answer = EventJson.MAPPER.createObjectNode();
    answer.putNull("markers_seen");
    answer.putNull("redriven");
    answer.putNull("errors");
    answer.set("error", e.toJson());
    return answer;
  }
}
