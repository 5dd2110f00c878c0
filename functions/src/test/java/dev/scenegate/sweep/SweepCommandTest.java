package dev.scenegate.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.cli.Cli;
import dev.scenegate.events.EventJson;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.SceneFixture;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.pipeline.Trigger;
import dev.scenegate.pipeline.Verdict;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.testing.RecordingPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reconcile}, {@code redrive} and {@code sweep} on a local folder (local mode's bucket), run
 * in-process: output shapes, exit codes, and what they do to the scenes.
 */
class SweepCommandTest {
  private static final Map<String, String> ENV = Map.of("VERIFY_THREADS", "2");

  @TempDir Path dir;

  private LocalObjectStore store() {
    return new LocalObjectStore(dir);
  }

  private Cli cli(String... argv) {
    return Cli.run(ENV, argv);
  }

  private static JsonNode json(Cli cli) throws Exception {
    assertEquals(1, cli.out().lines().count(), cli.toString());
    return EventJson.MAPPER.readTree(cli.out());
  }

  private static List<String> fields(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private SceneState state(String scene) throws Exception {
    return new SceneStateStore(store(), null).inspect(scene).orElseThrow().state();
  }

  @Test
  void reconcileProcessesLostMarkersOnceAndSaysSoInJson() throws Exception {
    SceneFixture scene = new SceneFixture(store(), "k1").writeAllPassing();
    List<Trigger> markers = scene.allMarkers();

    Cli first = cli("reconcile", "--dir", dir.toString(), "--json");

    assertEquals(0, first.exit(), first.toString());
    assertEquals("", first.err());
    JsonNode report = json(first);
    assertEquals(List.of("markers_seen", "redriven", "errors"), fields(report));
    assertEquals(9, report.path("markers_seen").asInt());
    assertEquals(9, report.path("redriven").size());
    assertEquals(List.of("object", "generation"), fields(report.path("redriven").get(0)));
    assertEquals(markers.get(0).object(), report.path("redriven").get(0).path("object").asText());
    assertEquals(0, report.path("errors").size());
    assertEquals(Verdict.PASSED, state("k1").verdict());
    assertTrue(Files.readString(dir.resolve("_scenegate/events.jsonl")).contains("\"e2e\""));

    Cli second = cli("reconcile", "--dir", dir.toString(), "--json");
    assertEquals(0, second.exit(), second.toString());
    assertEquals(0, json(second).path("redriven").size());
  }

  @Test
  void aDryRunChangesNothing() throws Exception {
    new SceneFixture(store(), "k1").writeAllPassing().marker("assets/.regen3d_complete");
    Cli dry = cli("reconcile", "--dir", dir.toString(), "--dry-run");
    assertEquals(0, dry.exit(), dry.toString());
    assertTrue(dry.out().contains("would re-drive scenes/k1/assets/.regen3d_complete#"), dry.out());
    assertTrue(dry.out().contains("2 would be re-driven"), dry.out());
    assertFalse(Files.exists(dir.resolve("_scenegate/state/k1.json")));
  }

  @Test
  void aReDrivenMarkerThatFailsAStageExitsOne() throws Exception {
    SceneFixture scene = new SceneFixture(store(), "k1").writeAllPassing();
    scene.corruptAsset();
    scene.marker("assets/.regen3d_complete");
    Cli cli = cli("reconcile", "--dir", dir.toString(), "--scene", "k1", "--json");
    assertEquals(1, cli.exit(), cli.toString());
    assertEquals(2, json(cli).path("redriven").size());
    assertEquals("scenegate reconcile: FAIL re-driven markers failed k1/regen3d\n", cli.err());
  }

  @Test
  void anUnreadableStateIsAnErrorLeftAsItIs() throws Exception {
    new SceneFixture(store(), "torn").writeAllPassing().marker("dwm/.dwm_complete");
    Path document = dir.resolve("_scenegate/state/torn.json");
    Files.createDirectories(document.getParent());
    byte[] torn = "{\"schema_version\": \"1.0\", \"sce".getBytes(StandardCharsets.UTF_8);
    Files.write(document, torn);

    Cli cli = cli("reconcile", "--dir", dir.toString(), "--json");

    assertEquals(0, cli.exit(), cli.toString());
    JsonNode errors = json(cli).path("errors");
    assertEquals(1, errors.size());
    assertEquals("_scenegate/state/torn.json", errors.get(0).path("object").asText());
    assertTrue(errors.get(0).path("message").asText().contains("unreadable"), cli.out());
    assertArrayEquals(torn, Files.readAllBytes(document));
    try (var aside = Files.list(document.getParent())) {
      assertEquals(1, aside.count(), "nothing set aside");
    }
  }

  @Test
  void aFolderThatIsNotASceneIdIsSkippedWithAWarning() throws Exception {
    new SceneFixture(store(), "bad id").writeAllPassing().marker("dwm/.dwm_complete");
    new SceneFixture(store(), "k1").writeAllPassing();
    Cli cli = cli("reconcile", "--dir", dir.toString(), "--json");
    assertEquals(0, cli.exit(), cli.toString());
    assertEquals(1, json(cli).path("markers_seen").asInt());
    assertTrue(
        cli.err().startsWith("scenegate reconcile: warning: skipped scenes/bad id/: not a scene"),
        cli.err());
    assertEquals(1, cli.err().lines().count(), cli.err());
  }

  @Test
  void badInputExitsTwoWithOneLineAndTheJsonErrorShape() throws Exception {
    Cli both = cli("reconcile", "--dir", dir.toString(), "--bucket", "b", "--json");
    assertEquals(2, both.exit(), both.toString());
    JsonNode answer = json(both);
    assertEquals(
        List.of("markers_seen", "redriven", "errors", "error"), fields(answer), answer.toString());
    assertEquals("USAGE", answer.path("error").path("kind").asText());
    assertEquals(1, both.err().lines().count());

    Cli badScene = cli("reconcile", "--dir", dir.toString(), "--scene", "../x");
    assertEquals(2, badScene.exit());
    assertTrue(badScene.err().startsWith("scenegate reconcile: invalid scene id"), badScene.err());

    Cli missing = cli("reconcile", "--dir", dir.resolve("nope").toString());
    assertEquals(2, missing.exit());
    assertEquals(1, missing.err().lines().count(), missing.err());
  }

  @Test
  void redriveAfterRestoringACorruptedAssetPassesTheStageAndTheVerdict() throws Exception {
    SceneFixture scene = new SceneFixture(store(), "k1").writeAllPassing();
    scene.writeConfig(false);
    scene.corruptAsset();
    MarkerHandler handler =
        new MarkerHandler(
            store(),
            new RecordingPublisher(),
            new SimpleMeterRegistry(),
            MarkerConfig.fromEnv(ENV),
            Clock.systemUTC());
    for (Trigger t : scene.allMarkers()) {
      handler.handle(t);
    }
    assertEquals(Verdict.FAILED, state("k1").verdict());

    Cli notYet = cli("redrive", "k1", "--stage", "regen3d", "--dir", dir.toString());
    assertEquals(1, notYet.exit(), notYet.toString());
    assertTrue(notYet.err().startsWith("scenegate redrive: FAIL k1 regen3d is failed"));

    scene.restoreAssets();
    for (String stage : List.of("regen3d", "variation_assets", "usd")) {
      Cli redrive = cli("redrive", "k1", "--stage", stage, "--dir", dir.toString());
      assertEquals(0, redrive.exit(), redrive.toString());
      assertTrue(redrive.out().contains(stage + ": failed -> passed"), redrive.out());
      assertTrue(redrive.out().contains("cause redrive:"), redrive.out());
    }
    assertEquals(Verdict.PASSED, state("k1").verdict());
    assertEquals(StageStatus.PASSED, state("k1").stage(Stage.DWM).status());
    assertEquals(StageStatus.SKIPPED, state("k1").stage(Stage.GENIESIM_IMPORT).status());

    Cli skipped = cli("redrive", "k1", "--stage", "geniesim_import", "--dir", dir.toString());
    assertEquals(0, skipped.exit(), skipped.toString());
  }

  @Test
  void redriveBadInputExitsTwo() throws Exception {
    new SceneFixture(store(), "k1").writeAllPassing();
    Cli unknown = cli("redrive", "k1", "--stage", "render", "--dir", dir.toString());
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().startsWith("scenegate redrive: unknown stage 'render'"));
    Cli noMarker = cli("redrive", "k1", "--stage", "usd", "--dir", dir.toString());
    assertEquals(2, noMarker.exit());
    assertTrue(noMarker.err().contains("has no marker"), noMarker.err());
    Cli badId = cli("redrive", "-x", "--stage", "usd", "--dir", dir.toString());
    assertEquals(2, badId.exit());
    Cli noStage = cli("redrive", "k1", "--dir", dir.toString());
    assertEquals(2, noStage.exit());
    assertEquals("scenegate redrive: --stage needs a value\n", noStage.err());
  }

  @Test
  void localModesSweepIntervalIsAnIsoDurationOrOff() throws Exception {
    new SceneFixture(store(), "k1").writeAllPassing();
    Cli bad = cli("local", dir.toString(), "--sweep-interval", "5 minutes");
    assertEquals(2, bad.exit(), bad.toString());
    assertEquals(
        "scenegate local: --sweep-interval must be an ISO-8601 duration such as PT5M, or off;"
            + " got 5 minutes\n",
        bad.err());
    assertEquals(2, cli("local", dir.toString(), "--sweep-interval", "PT0S").exit());
    assertEquals(null, PeriodicSweep.parseInterval("off"));
    assertEquals(PeriodicSweep.DEFAULT_INTERVAL, PeriodicSweep.parseInterval(null));
    assertEquals(java.time.Duration.ofSeconds(30), PeriodicSweep.parseInterval("pt30s"));
  }

  @Test
  void sweepRunsReconcileAndReportsEachStep() throws Exception {
    new SceneFixture(store(), "k1").writeAllPassing().allMarkers();
    Cli cli = cli("sweep", "--dir", dir.toString(), "--json");
    assertEquals(0, cli.exit(), cli.toString());
    JsonNode answer = json(cli);
    assertEquals(List.of("steps", "complete", "duration_ms"), fields(answer));
    assertTrue(answer.path("complete").asBoolean());
    assertEquals(9, answer.path("steps").path("reconcile").path("redriven").size());
    assertEquals(Verdict.PASSED, state("k1").verdict());
  }
}
