package dev.scenegate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.LocalEventPublisher;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.logging.Severity;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.pipeline.Verdict;
import dev.scenegate.scene.Stage;
import dev.scenegate.testing.RecordingPublisher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRunnerTest {
  private static final String SCENE = "kitchen_001";

  @TempDir Path dir;

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final List<LocalMode> opened = new ArrayList<>();
  private final List<String> retries = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void quietLogs() {
    JsonLog.threshold(Severity.WARNING); // the handler's INFO lines would drown the test output
  }

  @AfterAll
  static void restoreLogs() {
    JsonLog.threshold(Severity.INFO);
  }

  @AfterEach
  void close() throws Exception {
    for (LocalMode mode : opened) {
      mode.close();
    }
  }

  private LocalMode open(EventPublisher extra, LocalRunner.Options options) {
    LocalMode mode =
        LocalMode.open(
            dir,
            new PrintStream(console, true, StandardCharsets.UTF_8),
            LocalMode.config(Map.of()),
            extra,
            options,
            new LocalRunner.Listener() {
              @Override
              public void retrying(String object, Exception error, int attempt, Duration in) {
                retries.add(object + ": " + error.getMessage());
              }
            });
    opened.add(mode);
    return mode;
  }

  private LocalMode open() {
    return open(null, LocalRunner.Options.defaults());
  }

  private DemoScene writeWholeScene(LocalMode mode, String sceneId) throws IOException {
    DemoScene scene = new DemoScene(mode.store(), sceneId);
    for (DemoScene.Step step : scene.allStages()) {
      scene.run(step);
    }
    return scene;
  }

  private List<JsonNode> events() throws IOException {
    return LocalEventPublisher.read(dir.resolve(LocalMode.EVENTS_FILE));
  }

  private List<String> stageEvents(String sceneId) throws IOException {
    List<String> seen = new ArrayList<>();
    for (JsonNode line : events()) {
      JsonNode data = line.path("data");
      if (line.path("topic").asText().equals("stage-events")
          && data.path("scene_id").asText().equals(sceneId)) {
        seen.add(data.path("stage").asText() + " " + data.path("status").asText());
      }
    }
    return seen;
  }

  private long filesOutsideOwnFolder() throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !dir.relativize(p).startsWith(LocalRunner.OWN_FOLDER))
          .count();
    }
  }

  @Test
  void onceRunsAFolderWrittenWhileDownThroughEveryStage() throws Exception {
    LocalMode mode = open();
    writeWholeScene(mode, SCENE);

    LocalRunner.Summary summary = mode.runner().runOnce();

    assertEquals(9, summary.processed(), summary.toString());
    assertEquals(List.of(SCENE), summary.scenes());
    assertTrue(summary.unprocessed().isEmpty(), summary.toString());
    SceneState state = mode.state(SCENE).orElseThrow();
    assertEquals(Verdict.PASSED, state.verdict());
    for (Stage stage : Stage.values()) {
      assertEquals(StageStatus.PASSED, state.stage(stage).status(), stage.wireName());
    }
    List<String> seen = stageEvents(SCENE);
    assertTrue(seen.contains("e2e passed"), seen.toString());
    for (Stage stage : Stage.values()) {
      assertTrue(seen.contains(stage.wireName() + " passed"), seen.toString());
    }
    // Every file outside _scenegate went to the handler once; nothing of scenegate's own did.
    assertEquals(
        filesOutsideOwnFolder(),
        summary.processed() + summary.duplicates() + summary.dismissed(),
        summary.toString());
    String printed = console.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains(SCENE), printed);
    assertTrue(printed.lines().anyMatch(l -> l.contains("e2e") && l.contains("-> passed")));
  }

  @Test
  void restartRedoesNothing() throws Exception {
    LocalMode first = open();
    writeWholeScene(first, SCENE);
    LocalRunner.Summary done = first.runner().runOnce();
    assertTrue(done.transitions() > 0);
    List<JsonNode> before = events();
    Path stateFile = dir.resolve("_scenegate/state/" + SCENE + ".json");
    FileTime stateWritten = Files.getLastModifiedTime(stateFile);
    first.close();
    opened.remove(first);
    console.reset();

    LocalMode second = open(); // a restart: a new runner that knows nothing in memory
    LocalRunner.Summary again = second.runner().runOnce();

    assertEquals(0, again.processed(), again.toString());
    assertEquals(0, again.transitions(), again.toString());
    assertEquals(9, again.duplicates(), again.toString());
    assertEquals(before, events());
    assertEquals(stateWritten, Files.getLastModifiedTime(stateFile));
    assertEquals("", console.toString(StandardCharsets.UTF_8));
  }

  @Test
  void onceAgainHandlesOnlyWhatChanged() throws Exception {
    LocalMode mode = open();
    DemoScene scene = new DemoScene(mode.store(), SCENE);
    scene.run(scene.sourceImage());
    scene.writeAssets();
    scene.corruptAsset();
    Path marker = dir.resolve(scene.object("assets/.regen3d_complete"));
    Files.write(marker, new byte[0]);
    mode.runner().runOnce();
    assertEquals(StageStatus.FAILED, mode.state(SCENE).orElseThrow().stage(Stage.REGEN3D).status());
    assertTrue(Files.exists(dir.resolve(scene.object("assets/.failed"))));

    // Remediation: fixed assets, then a new generation of the marker re-opens the stage.
    scene.writeAssets();
    Files.setLastModifiedTime(
        marker, FileTime.from(Files.getLastModifiedTime(marker).toInstant().plusSeconds(1)));
    LocalRunner.Summary summary = mode.runner().runOnce();

    assertEquals(3, summary.processed(), summary.toString()); // counts add up: 2 before, 1 now
    SceneState state = mode.state(SCENE).orElseThrow();
    assertEquals(StageStatus.PASSED, state.stage(Stage.REGEN3D).status());
    assertFalse(Files.exists(dir.resolve(scene.object("assets/.failed"))));
  }

  @Test
  void watcherPicksUpMarkersWrittenAfterStartInNewFolders() throws Exception {
    LocalMode mode = open();
    LocalRunner runner = mode.runner();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<LocalRunner.Summary> watching = thread.submit(runner::watch);
      assertTrue(runner.awaitWatching(Await.DEADLINE), "watcher did not start");

      // scenes/kitchen_001/ does not exist yet: the watcher must register it as it appears.
      DemoScene scene = new DemoScene(mode.store(), SCENE);
      scene.run(scene.sourceImage());
      Await.until(() -> stageEvents(SCENE).contains("source_image passed"), this::seen);

      scene.run(scene.regen3d());
      Await.until(() -> stageEvents(SCENE).contains("regen3d passed"), this::seen);

      runner.stopAndAwait(Duration.ofSeconds(30));
      LocalRunner.Summary summary = watching.get(30, TimeUnit.SECONDS);
      assertEquals(2, summary.processed(), summary.toString());
      assertTrue(retries.isEmpty(), retries.toString());
    } finally {
      runner.stop();
      thread.shutdownNow();
    }
  }

  @Test
  void watchStartsWithAScanOfWhatWasWrittenWhileDown() throws Exception {
    LocalMode mode = open();
    writeWholeScene(mode, SCENE);
    LocalRunner runner = mode.runner();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<LocalRunner.Summary> watching = thread.submit(runner::watch);
      Await.until(() -> stageEvents(SCENE).contains("e2e passed"), this::seen);
      runner.stopAndAwait(Duration.ofSeconds(30));
      assertEquals(9, watching.get(30, TimeUnit.SECONDS).processed());
    } finally {
      runner.stop();
      thread.shutdownNow();
    }
  }

  @Test
  void transientPublishFailuresAreRetriedUntilDelivered() throws Exception {
    RecordingPublisher flaky = new RecordingPublisher();
    flaky.failNext(2);
    LocalMode mode = open(flaky, LocalRunner.Options.defaults());
    DemoScene scene = new DemoScene(mode.store(), SCENE);
    scene.run(scene.sourceImage());

    LocalRunner.Summary summary = mode.runner().runOnce();

    assertTrue(summary.unprocessed().isEmpty(), summary.toString());
    assertEquals(2, retries.size(), retries.toString());
    assertEquals(List.of("source_image passed", "e2e running"), stageEvents(SCENE));
    Set<String> ids = new HashSet<>();
    for (JsonNode line : events()) {
      assertTrue(ids.add(line.path("data").path("event_id").asText()), "event twice: " + line);
    }
  }

  @Test
  void onceGivesUpOnAFileThatKeepsFailing() throws Exception {
    EventPublisher down =
        message -> {
          throw new IOException("Pub/Sub unavailable");
        };
    LocalMode mode = open(down, LocalRunner.Options.defaults().withOnceAttempts(2));
    DemoScene scene = new DemoScene(mode.store(), SCENE);
    scene.run(scene.sourceImage());

    LocalRunner.Summary summary = mode.runner().runOnce();

    assertEquals(1, summary.unprocessed().size(), summary.toString());
    assertEquals(scene.object("source_checksums.json"), summary.unprocessed().get(0).object());
    assertTrue(summary.unprocessed().get(0).reason().contains("Pub/Sub unavailable"));
    // The state was written (outbox pending); a later run delivers the events.
    assertEquals(List.of(), stageEvents(SCENE));
  }

  @Test
  void stopEndsAnIdleWatchPromptly() throws Exception {
    LocalMode mode = open();
    LocalRunner runner = mode.runner();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<LocalRunner.Summary> watching = thread.submit(runner::watch);
      assertTrue(runner.awaitWatching(Await.DEADLINE));
      runner.stopAndAwait(Duration.ofSeconds(30));
      assertEquals(0, watching.get(30, TimeUnit.SECONDS).processed());
    } finally {
      thread.shutdownNow();
    }
  }

  private String seen() {
    try {
      return stageEvents(SCENE) + " / retries " + retries;
    } catch (IOException e) {
      return e.toString();
    }
  }
}
