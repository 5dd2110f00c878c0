package dev.scenegate.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.cli.CliCommand;
import dev.scenegate.cli.CliException;
import dev.scenegate.cli.Console;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.cli.StatusCommand;
import dev.scenegate.events.LocalEventPublisher;
import dev.scenegate.events.Topic;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.pipeline.Verdict;
import dev.scenegate.scene.Stage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scenegate demo [--keep]}: the main job on the embedded default, in seconds. A temporary
 * folder acts as the bucket; a synthetic scene walks through every stage to {@code e2e passed},
 * then a second scene with one corrupted asset fails at {@code regen3d} with its {@code .failed}
 * marker and checksum alert. Everything runs through local mode's machinery ({@link LocalMode}:
 * LocalObjectStore, the Cloud Function's MarkerHandler, events.jsonl).
 */
@Command(
    name = "demo",
    header = "see scenegate work: a scene through every stage, then one with a corrupted asset",
    description =
        """
        In a temporary folder acting as the bucket (local mode), writes a synthetic scene as the
        upstream jobs would (source image, assets with their checksum manifest, episode and
        Genie Sim reports, every stage marker in order) and walks it through every stage to
        e2e passed. Then a second scene whose asset is corrupted after its checksum was
        recorded: regen3d fails, scenegate writes assets/.failed and raises a checksum alert
        with the per-file diff and the remediation steps; dwm waits for regen3d.
        """,
    footer =
        """
        exit codes: 0 the demo behaved as designed (first scene passed, second failed),
                    1 it did not, 2 bad arguments""")
public final class DemoCommand extends CliCommand {
  static final String GOOD_SCENE = "demo_kitchen";
  static final String BAD_SCENE = "demo_corrupt";

  @Option(
      names = "--keep",
      description = "keep the folder (printed) to look around or run `scenegate local` on it")
  boolean keep;

  @Override
  protected int run() throws Exception {
    Console console = console();
    PrintStream out = console.out();
    Path dir = Files.createTempDirectory("scenegate-demo-");
    List<String> problems = new ArrayList<>();
    try (LocalMode local =
        LocalMode.open(
            dir,
            out,
            // The runbook's thresholds: the demo's reports are written to pass exactly those.
            LocalMode.config(Map.of()),
            null,
            LocalRunner.Options.defaults().withSettle(Duration.ZERO),
            new LocalRunner.Listener() {})) {
      out.println("scenegate demo: " + dir + " acts as the bucket (local mode)");
      out.println(
          "markers go through the Cloud Function's handler; state and events.jsonl under"
              + " _scenegate/");

      DemoScene good = new DemoScene(local.store(), GOOD_SCENE);
      out.println();
      out.println(
          "1/2  scene " + GOOD_SCENE + ": every stage's output, then its marker; all gates pass");
      for (DemoScene.Step step : good.allStages()) {
        upload(local, good, step, out);
      }
      SceneState first = state(local, GOOD_SCENE);
      printTable(local, out, first);
      checkPassed(first, problems);

      DemoScene bad = new DemoScene(local.store(), BAD_SCENE);
      out.println();
      out.println(
          "2/2  scene "
              + BAD_SCENE
              + ": the same upstream jobs, but an asset is damaged after its checksum was"
              + " recorded");
      upload(local, bad, bad.sourceImage(), out);
      bad.writeAssets();
      bad.corruptAsset();
      out.println(
          "  write   assets/ and assets/source_checksums.json, then damage assets/"
              + DemoScene.CORRUPTED_ASSET
              + " (one byte flipped, same size)");
      upload(
          local,
          bad,
          new DemoScene.Step("", "assets/.regen3d_complete", () -> {}),
          out); // the assets are in place already
      upload(local, bad, new DemoScene.Step("", "dwm/.dwm_complete", () -> {}), out);
      Path failed = local.store().file(Stage.REGEN3D.failedMarker(BAD_SCENE));
      if (Files.isRegularFile(failed)) {
        out.println("  scenegate wrote " + Stage.REGEN3D.failedMarker(BAD_SCENE) + ":");
        for (String line : Files.readString(failed, StandardCharsets.UTF_8).split("\n")) {
          out.println("    " + line);
        }
      }
      SceneState second = state(local, BAD_SCENE);
      printTable(local, out, second);
      checkFailed(local, second, failed, problems);
    } finally {
      if (keep) {
        out.println();
        // The launcher's absolute path, so the hint works from any folder (even after cd DIR).
        String scenegate = console.env("SCENEGATE_LAUNCHER", "scenegate");
        out.println("kept " + dir + "  (try: " + scenegate + " local " + dir + " --once)");
        out.println("  then: " + scenegate + " status " + BAD_SCENE + " --dir " + dir);
      } else {
        deleteTree(dir);
      }
    }
    out.println();
    if (!problems.isEmpty()) {
      throw new CliException(
          ExitCodes.FAILED, "DEMO_FAILED", "the demo did not behave as designed: " + problems);
    }
    out.println(
        "demo ok: "
            + GOOD_SCENE
            + " passed every stage; "
            + BAD_SCENE
            + " failed at regen3d with a .failed marker and a checksum alert, as designed");
    if (keep) {
      out.println("see the fleet in the browser: scenegate board --dir " + dir);
    }
    return ExitCodes.OK;
  }

  private static void upload(LocalMode local, DemoScene scene, DemoScene.Step step, PrintStream out)
      throws IOException {
    out.println(
        "  write   "
            + (step.description().isEmpty() ? "" : step.description() + ", then ")
            + step.marker());
    scene.run(step);
    local.runner().runOnce();
  }

  private static SceneState state(LocalMode local, String sceneId) throws IOException {
    return local
        .state(sceneId)
        .orElseThrow(() -> new IOException("no state was written for " + sceneId));
  }

  private static void printTable(LocalMode local, PrintStream out, SceneState state) {
    out.println();
    StatusCommand.printTable(
        out,
        state,
        local
            .store()
            .describe(
                local.handler().stateStore(local.store().bucket()).objectName(state.sceneId())),
        false);
    out.println();
    out.println("verdict: " + state.sceneId() + " e2e " + state.verdict().wireName());
  }

  private static void checkPassed(SceneState state, List<String> problems) {
    if (state.verdict() != Verdict.PASSED) {
      problems.add(GOOD_SCENE + " e2e is " + state.verdict().wireName() + ", not passed");
    }
    for (Stage stage : Stage.values()) {
      if (state.stage(stage).status() != StageStatus.PASSED) {
        problems.add(
            GOOD_SCENE + " " + stage.wireName() + " is " + state.stage(stage).status().wireName());
      }
    }
  }

  private static void checkFailed(
      LocalMode local, SceneState state, Path failedMarker, List<String> problems)
      throws IOException {
    if (state.verdict() != Verdict.FAILED) {
      problems.add(BAD_SCENE + " e2e is " + state.verdict().wireName() + ", not failed");
    }
    if (state.stage(Stage.REGEN3D).status() != StageStatus.FAILED) {
      problems.add(BAD_SCENE + " regen3d is " + state.stage(Stage.REGEN3D).status().wireName());
    }
    if (!Files.isRegularFile(failedMarker)) {
      problems.add("no " + Stage.REGEN3D.failedMarker(BAD_SCENE));
    }
    boolean alerted = false;
    for (JsonNode line : LocalEventPublisher.read(local.eventsFile())) {
      JsonNode data = line.path("data");
      if (Topic.CHECKSUM_ALERTS.defaultName().equals(line.path("topic").asText())
          && BAD_SCENE.equals(data.path("scene_id").asText())
          && "checksum_failure".equals(data.path("kind").asText())
          && DemoScene.CORRUPTED_ASSET.equals(
              data.path("failures").path(0).path("path").asText())) {
        alerted = true;
      }
    }
    if (!alerted) {
      problems.add("no checksum alert naming " + DemoScene.CORRUPTED_ASSET);
    }
  }

  private static void deleteTree(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // A temporary folder: the OS cleans up what could not be removed.
    }
  }
}
