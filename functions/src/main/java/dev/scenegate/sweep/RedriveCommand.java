package dev.scenegate.sweep;

import dev.scenegate.cli.CliCommand;
import dev.scenegate.cli.CliException;
import dev.scenegate.cli.Console;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.cli.Main;
import dev.scenegate.cli.SceneTarget;
import dev.scenegate.pipeline.SceneMachine;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.scene.Stage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scenegate redrive SCENE_ID --stage S (--bucket B | --dir DIR)}. */
@Command(
    name = "redrive",
    customSynopsis = "scenegate redrive SCENE_ID --stage S (--bucket B | --dir DIR)",
    header = "evaluate a stage again after a remediation that did not re-upload its marker",
    description =
        """
        Evaluates stage S of the scene again from its current marker, as if the marker had just
        been delivered, under a new cause (redrive:<id>): an asset restored in place, a report
        fixed. The stage's events are published under new event ids, also when its status stays
        the same, and the stages that depend on it follow as they would.
        """,
    footer =
        """
        environment (--bucket): as for reconcile

        exit codes: 0 the stage ended passed or skipped, 1 it did not (failed, waiting,
                    running), 2 bad input (unknown stage, no marker, bad scene id, unreadable
                    state)""")
public final class RedriveCommand extends CliCommand {
  @Parameters(index = "0", paramLabel = "SCENE_ID", description = "the scene")
  String sceneId;

  @Option(
      names = "--stage",
      paramLabel = "S",
      required = true,
      description =
          "the stage: source_image, regen3d, variation_assets, usd, geniesim_export,"
              + " episodes, geniesim_import, dwm")
  String stageName;

  @Mixin SweepTarget target;

  @Override
  protected int run() throws Exception {
    Console console = console();
    SceneTarget.sceneId(sceneId);
    Stage stage =
        Stage.fromWireName(stageName)
            .orElseThrow(
                () ->
                    CliException.usage(
                        "unknown stage '"
                            + Main.oneLine(stageName)
                            + "' (expected one of "
                            + stages()
                            + ")"));
    try (SweepWiring wiring = SweepWiring.open(target, console, true)) {
      Redriver.Redrive done;
      try {
        done = new Redriver(wiring.data, wiring.handler).redrive(sceneId, stage);
      } catch (Redriver.NoMarkerException e) {
        throw new CliException(ExitCodes.BAD_INPUT, "NO_MARKER", e.getMessage());
      } catch (SceneState.StateCorruptException e) {
        throw new CliException(
            ExitCodes.BAD_INPUT, "STATE_UNREADABLE", e.getMessage() + "; left as it is");
      } catch (IOException e) {
        throw new CliException(ExitCodes.BAD_INPUT, "STORAGE_ERROR", Main.describe(e));
      }
      for (SceneMachine.Change change : done.changes()) {
        console
            .out()
            .println(
                (change.stage() == null ? SceneMachine.E2E : change.stage().wireName())
                    + ": "
                    + change.from()
                    + " -> "
                    + change.to());
      }
      console
          .out()
          .println(
              "scenegate redrive: "
                  + sceneId
                  + " "
                  + stage.wireName()
                  + " "
                  + done.status().wireName()
                  + " (marker "
                  + done.marker().object()
                  + "#"
                  + done.marker().generation()
                  + ", cause "
                  + done.cause()
                  + "); verdict "
                  + done.verdict().wireName());
      if (done.satisfied()) {
        return ExitCodes.OK;
      }
      console
          .err()
          .println(
              "scenegate redrive: FAIL "
                  + sceneId
                  + " "
                  + stage.wireName()
                  + " is "
                  + done.status().wireName()
                  + " (see scenegate status "
                  + sceneId
                  + ")");
      return ExitCodes.FAILED;
    }
  }

  private static String stages() {
    List<String> names = new ArrayList<>();
    for (Stage stage : Stage.values()) {
      names.add(stage.wireName());
    }
    return String.join(", ", names);
  }
}
