package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.SceneFixture;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.pipeline.Trigger;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.testing.RecordingPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Console console;

  @BeforeEach
  void setUp() throws Exception {
    console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            false);
    LocalObjectStore store = new LocalObjectStore(dir);
    MarkerHandler handler =
        new MarkerHandler(
            store,
            new RecordingPublisher(),
            new SimpleMeterRegistry(),
            MarkerConfig.fromEnv(Map.of("VERIFY_THREADS", "1")),
            Clock.systemUTC());
    SceneFixture scene = new SceneFixture(store, "kitchen_001").writeAllPassing();
    scene.corruptAsset();
    handler.handle(scene.marker("assets/.regen3d_complete"));
    handler.handle(scene.marker("usd/.usd_complete"));
    handler.handle(scene.marker("episodes/.episodes_complete"));
  }

  private int run(String... argv) {
    return Main.standard().run(new ArrayList<>(List.of(argv)), console);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsTheStageTableVerdictAndHistory() {
    assertEquals(ExitCodes.FAILED, run("status", "kitchen_001", "--dir", dir.toString()));
    String text = stdout();
    assertTrue(text.contains("verdict: failed"), text);
    assertTrue(text.matches("(?s).*regen3d\\s+failed.*"), text);
    assertTrue(text.matches("(?s).*episodes\\s+waiting.*"), text);
    assertTrue(text.matches("(?s).*dwm\\s+pending.*"), text);
    assertTrue(text.contains("SHA256_MISMATCH"), text);
    assertTrue(text.contains("recent history"), text);
    assertEquals(
        "scenegate status: FAIL kitchen_001: verdict failed (failed: regen3d, usd)\n", stderr());
  }

  @Test
  void aSceneThatHasNotFailedIsExitZero() throws Exception {
    LocalObjectStore store = new LocalObjectStore(dir);
    MarkerHandler handler =
        new MarkerHandler(
            store,
            new RecordingPublisher(),
            new SimpleMeterRegistry(),
            MarkerConfig.fromEnv(Map.of("VERIFY_THREADS", "1")),
            Clock.systemUTC());
    SceneFixture scene = new SceneFixture(store, "garden_3").writeAllPassing();
    handler.handle(scene.marker("assets/.regen3d_complete"));
    assertEquals(ExitCodes.OK, run("status", "garden_3", "--dir", dir.toString()));
    assertTrue(stdout().contains("verdict: running"), stdout());
    for (Trigger t : scene.allMarkers()) {
      handler.handle(t);
    }
    out.reset();
    assertEquals(ExitCodes.OK, run("status", "garden_3", "--dir", dir.toString(), "--json"));
    assertEquals("passed", new ObjectMapper().readTree(stdout()).path("verdict").asText());
    assertEquals("", stderr());
  }

  @Test
  void jsonCarriesStagesVerdictAndHistory() throws Exception {
    assertEquals(ExitCodes.FAILED, run("status", "kitchen_001", "--dir", dir.toString(), "--json"));
    JsonNode json = new ObjectMapper().readTree(stdout());
    assertEquals("kitchen_001", json.path("scene_id").asText());
    assertEquals("failed", json.path("verdict").asText());
    assertEquals("failed", json.path("stages").path("regen3d").path("status").asText());
    assertEquals("failed", json.path("stages").path("usd").path("status").asText());
    assertEquals("waiting", json.path("stages").path("episodes").path("status").asText());
    assertEquals(
        "scenes/kitchen_001/assets/.regen3d_complete",
        json.path("stages").path("regen3d").path("trigger").path("object").asText());
    assertTrue(json.path("history").size() >= 4, json.toString());
    assertEquals(0, json.path("outbox_pending").asInt());
    assertTrue(json.path("error").isNull(), json.toString());
    assertEquals(1, stdout().lines().count(), "one JSON object on one line, as verify and check");
  }

  @Test
  void jsonErrorsAreOneJsonLineToo() throws Exception {
    assertEquals(
        ExitCodes.BAD_INPUT, run("status", "nowhere_9", "--dir", dir.toString(), "--json"));
    assertEquals(1, stdout().lines().count(), stdout());
    JsonNode json = new ObjectMapper().readTree(stdout());
    assertEquals("nowhere_9", json.path("scene_id").asText());
    assertEquals("NOT_FOUND", json.path("error").path("kind").asText());
    assertTrue(json.path("error").path("message").asText().contains("nowhere_9"), stdout());
    assertTrue(json.path("verdict").isNull(), stdout());
    assertEquals(1, stderr().lines().count(), stderr());

    out.reset();
    assertEquals(ExitCodes.BAD_INPUT, run("status", "../etc", "--dir", dir.toString(), "--json"));
    assertEquals(
        "USAGE", new ObjectMapper().readTree(stdout()).path("error").path("kind").asText());
  }

  @Test
  void unknownSceneIsExitTwoWithOneLine() {
    assertEquals(ExitCodes.BAD_INPUT, run("status", "nowhere_9", "--dir", dir.toString()));
    assertEquals(1, stderr().lines().count(), stderr());
    assertTrue(stderr().contains("no state for scene nowhere_9"), stderr());
  }

  @Test
  void badInputIsExitTwo() {
    assertEquals(ExitCodes.BAD_INPUT, run("status", "../etc", "--dir", dir.toString()));
    assertEquals(ExitCodes.BAD_INPUT, run("status", "kitchen_001"));
    assertEquals(
        ExitCodes.BAD_INPUT,
        run("status", "kitchen_001", "--dir", dir.toString(), "--bucket", "b"));
    assertEquals(
        ExitCodes.BAD_INPUT, run("status", "kitchen_001", "--dir", dir.resolve("no").toString()));
    assertEquals(ExitCodes.BAD_INPUT, run("status", "--dir", dir.toString()));
    assertEquals(5, stderr().lines().count(), stderr());
    assertTrue(stderr().lines().allMatch(l -> l.startsWith("scenegate status: ")), stderr());
  }

  @Test
  void anUnreadableStateIsReportedAndLeftAsItIs() throws Exception {
    Path state = dir.resolve("_scenegate/state/kitchen_001.json");
    Files.writeString(state, "{ torn", StandardCharsets.UTF_8);
    List<Path> before;
    try (Stream<Path> files = Files.walk(dir)) {
      before = files.sorted().toList();
    }
    assertEquals(ExitCodes.BAD_INPUT, run("status", "kitchen_001", "--dir", dir.toString()));
    assertEquals("", stdout(), "no made-up state is shown");
    assertEquals(1, stderr().lines().count(), stderr());
    assertTrue(stderr().contains("unreadable"), stderr());
    try (Stream<Path> files = Files.walk(dir)) {
      assertEquals(before, files.sorted().toList(), "a read-only command writes nothing");
    }
    assertEquals("{ torn", Files.readString(state, StandardCharsets.UTF_8));
  }

  @Test
  void anInvalidBucketNameIsUsageWithoutAnyNetworkCall() {
    for (String bucket : List.of("Bad Bucket!", "gs://", "a/b", "x")) {
      err.reset();
      assertEquals(ExitCodes.BAD_INPUT, run("status", "kitchen_001", "--bucket", bucket), bucket);
      assertTrue(stderr().contains("invalid bucket name"), stderr());
    }
  }

  @Test
  void recentHistoryIsNewestFirstWhateverTheTimestampPrecision() throws Exception {
    // Instant.toString() drops trailing zero groups: "…:05Z", "…:05.500Z", "…:05.500250Z".
    String doc =
        "{\"schema_version\":\"1.0\",\"scene_id\":\"k\",\"stages\":{"
            + "\"usd\":{\"status\":\"passed\",\"history\":["
            + "{\"from\":\"pending\",\"to\":\"failed\",\"at\":\"2026-01-01T00:00:05Z\"},"
            + "{\"from\":\"failed\",\"to\":\"passed\",\"at\":\"2026-01-01T00:00:05.500Z\"}]},"
            + "\"dwm\":{\"status\":\"passed\",\"history\":["
            + "{\"from\":\"pending\",\"to\":\"passed\",\"at\":\"2026-01-01T00:00:05.500250Z\"}]}"
            + "}}";
    SceneState state = SceneState.fromJson(new ObjectMapper().readTree(doc));
    assertEquals(
        List.of("2026-01-01T00:00:05.500250Z", "2026-01-01T00:00:05.500Z", "2026-01-01T00:00:05Z"),
        StatusCommand.recentHistory(state).stream().map(StatusCommand.HistoryEntry::at).toList());
  }

  @Test
  void helpExitsZero() {
    assertEquals(ExitCodes.OK, run("status", "--help"));
    assertTrue(stdout().contains("usage: scenegate status"));
  }

  @Test
  void aCustomStatePrefixIsHonoured() {
    assertEquals(
        ExitCodes.BAD_INPUT,
        run("status", "kitchen_001", "--dir", dir.toString(), "--state-prefix", "elsewhere/"));
  }
}
