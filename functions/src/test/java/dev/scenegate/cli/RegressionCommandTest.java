package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegressionCommandTest {
  /** The golden bundle committed with the shared module's tests (runbook Quality Drift Guard). */
  private static final Path GOLDEN =
      Path.of("..", "shared", "src", "test", "resources", "golden", "dataset_regression")
          .toAbsolutePath()
          .normalize();

  @TempDir Path tmp;
  private Path bundle;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void copyGolden() throws Exception {
    assertTrue(Files.isDirectory(GOLDEN), "golden fixture not found at " + GOLDEN);
    bundle = tmp.resolve("bundle");
    try (Stream<Path> files = Files.walk(GOLDEN)) {
      for (Path file : files.toList()) {
        Path to = bundle.resolve(GOLDEN.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(to);
        } else {
          Files.copy(file, to);
        }
      }
    }
  }

  private int run(String... argv) {
    out.reset();
    err.reset();
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            false);
    List<String> args = new ArrayList<>(List.of("regression"));
    args.addAll(List.of(argv));
    return Main.standard().run(args, console);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private JsonNode json() throws Exception {
    return new ObjectMapper().readTree(stdout());
  }

  private void replaceIn(String relative, String from, String to) throws Exception {
    Path file = bundle.resolve(relative);
    String content = Files.readString(file);
    assertTrue(content.contains(from), relative + " lacks " + from);
    Files.writeString(file, content.replace(from, to));
  }

  @Test
  void committedGoldenFixtureHasNotDrifted() {
    assertEquals(ExitCodes.OK, run("--dataset-dir", GOLDEN.toString()), stderr());
    assertTrue(stdout().contains("OK  no metric drifted (12 compared)"), stdout());
  }

  @Test
  void noDriftPrintsMetricsTable() throws Exception {
    assertEquals(ExitCodes.OK, run("--dataset-dir", bundle.toString()));
    assertTrue(stdout().contains("(10 episodes)"), stdout());
    assertTrue(
        stdout().lines().anyMatch(l -> l.startsWith("quality_score.p10") && l.endsWith("ok")),
        stdout());
    assertEquals("", stderr());
  }

  @Test
  void noDriftAsJson() throws Exception {
    assertEquals(ExitCodes.OK, run("--dataset-dir", bundle.toString(), "--json"));
    JsonNode root = json();
    assertTrue(root.get("ok").asBoolean());
    assertEquals("compare", root.get("mode").asText());
    assertEquals(10, root.get("metrics").get("episode_count").asInt());
    // Counts are JSON integers (10, not 10.0), as in the baseline file.
    assertTrue(root.get("metrics").get("episode_count").isIntegralNumber(), root.toString());
    assertTrue(root.get("metrics").get("checksum_files").isIntegralNumber(), root.toString());
    assertTrue(root.get("comparisons").get(0).get("current").isIntegralNumber(), root.toString());
    assertEquals(0.2, root.get("metrics").get("collision_rate").asDouble(), 1e-12);
    assertEquals(12, root.get("comparisons").size());
    assertEquals(0, root.get("drifted").size());
    assertTrue(root.get("error").isNull());
  }

  @Test
  void driftBeyondThresholdExitsOneAndNamesMetrics() throws Exception {
    replaceIn("episodes/episode_000004.json", "\"collisions\": 1", "\"collisions\": 0");
    replaceIn("episodes/episode_000008.json", "\"collisions\": 2", "\"collisions\": 0");
    assertEquals(ExitCodes.FAILED, run("--dataset-dir", bundle.toString()));
    assertTrue(
        stdout().lines().anyMatch(l -> l.startsWith("collision_rate") && l.endsWith("DRIFT")),
        stdout());
    assertTrue(
        stdout().contains("collision_rate: 0.2 -> 0 (|delta| 0.2 > allowed 0.05)"), stdout());
    assertEquals(1, stderr().lines().count(), stderr());
    assertTrue(stderr().contains("collision_rate"), stderr());

    assertEquals(ExitCodes.FAILED, run("--dataset-dir", bundle.toString(), "--json"));
    JsonNode root = json();
    assertFalse(root.get("ok").asBoolean());
    List<String> drifted = new ArrayList<>();
    root.get("drifted").forEach(n -> drifted.add(n.asText()));
    // The two episode files changed, so checksum consistency drifts too.
    assertEquals(List.of("collision_rate", "checksum_consistency"), drifted);
  }

  @Test
  void driftWithinThresholdPasses() throws Exception {
    // duration_s.p90 may move 10%: 14.88 -> ~15.9 is inside, the rest is unchanged.
    replaceIn(
        "thresholds.json",
        "\"checksum_consistency\": {\n      \"abs\": 0",
        "\"checksum_consistency\": {\n      \"abs\": 0.1");
    replaceIn("episodes/episode_000008.json", "\"duration_s\": 15.6", "\"duration_s\": 16.0");
    assertEquals(ExitCodes.OK, run("--dataset-dir", bundle.toString()), stdout());
  }

  @Test
  void writeBaselineRoundTrip() throws Exception {
    replaceIn("episodes/episode_000001.json", "\"quality_score\": 0.93", "\"quality_score\": 0.5");
    assertEquals(ExitCodes.FAILED, run("--dataset-dir", bundle.toString()));

    Path pinned = tmp.resolve("pins/baseline.json");
    // Re-pin: the edited episode file no longer matches checksums.json, which is pinned too.
    assertEquals(
        ExitCodes.OK,
        run(
            "--dataset-dir",
            bundle.toString(),
            "--baseline",
            pinned.toString(),
            "--write-baseline"));
    assertTrue(stdout().contains("PINNED  baseline written to " + pinned), stdout());
    assertTrue(Files.readString(pinned).contains("\"checksum_consistency\" : 0.95"));

    assertEquals(
        ExitCodes.OK,
        run("--dataset-dir", bundle.toString(), "--baseline", pinned.toString(), "--json"));
    assertTrue(json().get("ok").asBoolean());
    assertEquals(pinned.toString(), json().get("baseline").asText());
  }

  @Test
  void aChecksumDriftNamesTheFilesAndPinningItIsWarnedAbout() throws Exception {
    replaceIn("episodes/episode_000001.json", "\"quality_score\": 0.93", "\"quality_score\": 0.5");

    assertEquals(ExitCodes.FAILED, run("--dataset-dir", bundle.toString()));
    assertTrue(
        stdout()
                .contains(
                    "1 file fails its checksum: episodes/episode_000001.json (SHA256_MISMATCH)")
            || stdout()
                .contains(
                    "1 file fails its checksum: episodes/episode_000001.json (SIZE_MISMATCH)"),
        stdout());

    Path pinned = tmp.resolve("pinned.json");
    assertEquals(
        ExitCodes.OK,
        run(
            "--dataset-dir",
            bundle.toString(),
            "--baseline",
            pinned.toString(),
            "--write-baseline"));
    assertTrue(
        stderr()
            .startsWith(
                "scenegate regression: warning: pinning a degraded baseline,"
                    + " checksum_consistency 0.95: 1 file fails its checksum: episodes/episode_000001.json"),
        stderr());
  }

  @Test
  void writeBaselineAsJson() throws Exception {
    assertEquals(
        ExitCodes.OK, run("--dataset-dir", bundle.toString(), "--write-baseline", "--json"));
    JsonNode root = json();
    assertEquals("write-baseline", root.get("mode").asText());
    assertEquals(12, root.get("metrics").size());
  }

  @Test
  void malformedEpisodeIsBadInput() throws Exception {
    replaceIn(
        "episodes/episode_000002.json", "\"quality_score\": 0.88", "\"quality_score\": \"high\"");
    assertEquals(ExitCodes.BAD_INPUT, run("--dataset-dir", bundle.toString()));
    assertEquals(1, stderr().lines().count(), stderr());
    assertTrue(stderr().contains("episodes/episode_000002.json: quality_score"), stderr());

    assertEquals(ExitCodes.BAD_INPUT, run("--dataset-dir", bundle.toString(), "--json"));
    assertEquals("BUNDLE_INVALID", json().get("error").get("kind").asText());
  }

  @Test
  void malformedBaselineOrThresholdsIsBadInput() throws Exception {
    Files.writeString(
        bundle.resolve("thresholds.json"), "{ \"metrics\": { \"nope\": {\"abs\": 1} } }");
    assertEquals(ExitCodes.BAD_INPUT, run("--dataset-dir", bundle.toString()));
    assertTrue(stderr().contains("unknown metric \"nope\""), stderr());

    Files.writeString(bundle.resolve("baseline_metrics.json"), "not json");
    assertEquals(ExitCodes.BAD_INPUT, run("--dataset-dir", bundle.toString()));
    assertTrue(stderr().contains("baseline_metrics.json: not valid JSON"), stderr());

    Files.delete(bundle.resolve("baseline_metrics.json"));
    assertEquals(ExitCodes.BAD_INPUT, run("--dataset-dir", bundle.toString()));
    assertTrue(stderr().contains("no baseline file"), stderr());

    Path folder = bundle.resolve("episodes");
    assertEquals(
        ExitCodes.BAD_INPUT,
        run("--dataset-dir", bundle.toString(), "--baseline", folder.toString()));
    assertEquals(
        "scenegate regression: " + folder + ": is a folder, not a baseline file\n", stderr());
  }

  @Test
  void missingDirOrArgumentsIsBadInput() throws Exception {
    assertEquals(ExitCodes.BAD_INPUT, run());
    assertTrue(stderr().contains("missing --dataset-dir"), stderr());
    assertEquals(
        ExitCodes.BAD_INPUT, run("--dataset-dir", tmp.resolve("nope").toString(), "--json"));
    assertEquals("DIR_NOT_FOUND", json().get("error").get("kind").asText());
    assertEquals(ExitCodes.BAD_INPUT, run("--dataset-dir", bundle.toString(), "stray"));
  }

  @Test
  void helpDefinesTheBundleFormat() {
    assertEquals(ExitCodes.OK, run("--help"));
    assertTrue(stdout().contains("episodes/*.json"));
    assertTrue(stdout().contains("checksums.json"));
    assertTrue(stdout().contains("import_manifest.json"));
    assertTrue(stdout().contains("exit codes: 0 no drift"));
  }
}
