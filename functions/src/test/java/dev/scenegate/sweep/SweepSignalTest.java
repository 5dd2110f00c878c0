package dev.scenegate.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.cli.Cli;
import dev.scenegate.events.EventJson;
import dev.scenegate.pipeline.SceneFixture;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.LocalObjectStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN "Signals": the scheduled sweep is a batch job; SIGTERM ends it after the scene in hand,
 * leaves every state whole, says how to resume and exits 143; the next run picks up the rest. And
 * local mode sweeps at start-up: markers written while it was down are processed.
 */
class SweepSignalTest {
  private static final int SCENES = 150;

  @TempDir Path dir;

  private Process start(String... argv) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(java, "-cp", System.getProperty("java.class.path"), "dev.scenegate.cli.Main"));
    command.addAll(List.of(argv));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("SCENEGATE_LOG_LEVEL", "INFO");
    builder.environment().put("SCENEGATE_METRICS_INTERVAL", "off");
    return builder.start();
  }

  @Test
  void sigtermStopsAfterTheSceneInHandSaysHowToResumeAndExits143() throws Exception {
    LocalObjectStore store = new LocalObjectStore(dir);
    for (int i = 0; i < SCENES; i++) {
      new SceneFixture(store, String.format("s%03d", i)).marker("dwm/.dwm_complete");
    }
    Process process = start("sweep", "--dir", dir.toString(), "--json");
    List<String> err = new ArrayList<>();
    String out;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null && !line.contains("marker re-driven")) {
        err.add(line);
      }
      assertTrue(line != null, "never re-drove a marker: " + err);
      process.toHandle().destroy(); // SIGTERM
      while ((line = lines.readLine()) != null) {
        err.add(line);
      }
      out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      process.destroyForcibly();
    }
    assertEquals(143, process.waitFor(), String.join("\n", err));
    assertTrue(
        err.get(err.size() - 1)
            .startsWith("scenegate sweep: stopped before the end; nothing is half-written"),
        err.toString());
    JsonNode first = EventJson.MAPPER.readTree(out);
    assertEquals(false, first.path("complete").asBoolean());
    int before = first.path("steps").path("reconcile").path("redriven").size();
    assertTrue(before < SCENES, "stopped before the end: " + before);

    // Every state is whole: each scene either has none yet or a readable one.
    SceneStateStore states = new SceneStateStore(store, null);
    int withState = 0;
    for (int i = 0; i < SCENES; i++) {
      Optional<SceneStateStore.Loaded> loaded = states.inspect(String.format("s%03d", i));
      withState += loaded.isPresent() ? 1 : 0;
    }
    assertEquals(before, withState);

    Cli resumed = Cli.run(Map.of(), "sweep", "--dir", dir.toString(), "--json");
    assertEquals(0, resumed.exit(), resumed.toString());
    JsonNode second = EventJson.MAPPER.readTree(resumed.out());
    assertEquals(SCENES - before, second.path("steps").path("reconcile").path("redriven").size());
    for (int i = 0; i < SCENES; i++) {
      SceneState state = states.inspect(String.format("s%03d", i)).orElseThrow().state();
      assertEquals(StageStatus.WAITING, state.stage(Stage.DWM).status());
    }
  }

  @Test
  void localModeSweepsAtStartUpWhatWasWrittenWhileItWasDown() throws Exception {
    new SceneFixture(new LocalObjectStore(dir), "k1").writeAllPassing().allMarkers();
    Process process = start("local", dir.toString(), "--sweep-interval", "PT1H");
    process.getErrorStream().close();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("scenegate local: watching")) {
        lines.add(line);
      }
      assertTrue(line != null, "never said it was watching: " + lines);
      process.toHandle().destroy();
      while ((line = out.readLine()) != null) {
        lines.add(line);
      }
    } finally {
      process.destroyForcibly();
    }
    assertEquals(0, process.waitFor(), lines.toString());
    assertTrue(lines.contains("scenegate local: sweep re-drove 9 marker(s)"), lines.toString());
    SceneState state =
        new SceneStateStore(new LocalObjectStore(dir), null).inspect("k1").orElseThrow().state();
    assertEquals("passed", state.verdict().wireName());
    assertTrue(Files.readString(dir.resolve("_scenegate/events.jsonl")).contains("\"e2e\""));
  }
}
