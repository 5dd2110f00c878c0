package dev.scenegate.regression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.verify.Verifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetRegressionTest {
  @TempDir Path tmp;

  /** The committed golden bundle (runbook "Quality Drift Guard"). */
  static Path golden() throws URISyntaxException {
    return Path.of(DatasetRegressionTest.class.getResource("/golden/dataset_regression").toURI());
  }

  static Map<String, Double> metrics(Path bundle) throws Exception {
    return new DatasetMetrics(
            new LocalObjectStore(bundle),
            new Verifier(new LocalObjectStore(bundle), 2, new SimpleMeterRegistry()))
        .compute()
        .metrics();
  }

  private static List<DriftGuard.Comparison> compare(Path bundle) throws Exception {
    Path golden = golden();
    return DriftGuard.compare(
        metrics(bundle),
        DriftGuard.readBaseline(golden.resolve("baseline_metrics.json")),
        DriftGuard.readThresholds(golden.resolve("thresholds.json")));
  }

  private static List<String> drifted(List<DriftGuard.Comparison> comparisons) {
    return comparisons.stream()
        .filter(DriftGuard.Comparison::drifted)
        .map(DriftGuard.Comparison::metric)
        .toList();
  }

  private Path copyOfGolden() throws Exception {
    Path source = golden();
    Path target = tmp.resolve("bundle");
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path to = target.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(to);
        } else {
          Files.copy(file, to);
        }
      }
    }
    return target;
  }

  @Test
  void goldenDatasetHasNotDrifted() throws Exception {
    List<DriftGuard.Comparison> comparisons = compare(golden());
    assertEquals(List.of(), drifted(comparisons), comparisons.toString());
    assertEquals(DatasetMetrics.NAMES.size(), comparisons.size());
  }

  @Test
  void goldenMetricsMatchTheIndependentlyComputedBaseline() throws Exception {
    // The baseline was computed outside this code (numpy-style linear percentiles), so this pins
    // the metric definitions, not just their stability.
    Map<String, Double> pinned = DriftGuard.readBaseline(golden().resolve("baseline_metrics.json"));
    Map<String, Double> computed = metrics(golden());
    for (String name : DatasetMetrics.NAMES) {
      assertEquals(pinned.get(name), computed.get(name), 1e-12, name);
    }
    assertEquals(10.0, computed.get("episode_count"));
    assertEquals(0.2, computed.get("collision_rate"), 1e-12);
    assertEquals(0.878, computed.get("quality_score.p10"), 1e-12);
  }

  @Test
  void loweredQualityScoreDriftsBeyondThreshold() throws Exception {
    Path bundle = copyOfGolden();
    Path episode = bundle.resolve("episodes/episode_000005.json");
    Files.writeString(
        episode,
        Files.readString(episode).replace("\"quality_score\": 0.86", "\"quality_score\": 0.5"));
    List<String> drifted = drifted(compare(bundle));
    assertTrue(drifted.contains("quality_score.min"), drifted.toString());
    assertTrue(drifted.contains("quality_score.mean"), drifted.toString());
    // The episode file changed, so its checksum no longer matches either.
    assertTrue(drifted.contains("checksum_consistency"), drifted.toString());
  }

  @Test
  void smallChangeWithinThresholdIsNotDrift() throws Exception {
    Path bundle = copyOfGolden();
    Path episode = bundle.resolve("episodes/episode_000001.json");
    Files.writeString(
        episode, Files.readString(episode).replace("\"duration_s\": 12.4", "\"duration_s\": 12.5"));
    writeChecksumsFor(bundle);
    List<DriftGuard.Comparison> comparisons = compare(bundle);
    assertEquals(List.of(), drifted(comparisons));
    DriftGuard.Comparison mean =
        comparisons.stream().filter(c -> c.metric().equals("duration_s.mean")).findFirst().get();
    assertEquals(0.01, mean.delta(), 1e-9);
    assertEquals(0.05 * 12.25, mean.allowed(), 1e-9);
  }

  @Test
  void corruptedRecordingDriftsChecksumConsistency() throws Exception {
    Path bundle = copyOfGolden();
    Path recording = bundle.resolve("recordings/episode_000003.jsonl");
    byte[] bytes = Files.readAllBytes(recording);
    bytes[0] ^= 1;
    Files.write(recording, bytes);
    Map<String, Double> metrics = metrics(bundle);
    assertEquals(19.0 / 20, metrics.get("checksum_consistency"), 1e-12);
    assertEquals(List.of("checksum_consistency"), drifted(compare(bundle)));
  }

  @Test
  void extraEpisodeDriftsCount() throws Exception {
    Path bundle = copyOfGolden();
    Files.writeString(
        bundle.resolve("episodes/episode_000011.json"),
        "{\"episode_id\":\"episode_000011\",\"quality_score\":0.9,\"duration_s\":12,"
            + "\"collisions\":0}");
    assertTrue(drifted(compare(bundle)).contains("episode_count"));
  }

  @Test
  void writeBaselineRoundTrips() throws Exception {
    Map<String, Double> computed = metrics(golden());
    Path file = tmp.resolve("pins/baseline_metrics.json");
    DriftGuard.writeBaseline(file, computed);
    Map<String, Double> read = DriftGuard.readBaseline(file);
    assertEquals(computed, read);
    assertTrue(Files.readString(file).contains("\"episode_count\" : 10,"));
    assertFalse(
        drifted(DriftGuard.compare(computed, read, Map.of())).iterator().hasNext(),
        "exact baseline must not drift even with exact allowances");
  }

  @Test
  void importManifestChecksumsAreTheAlternative() throws Exception {
    Path bundle = copyOfGolden();
    String files =
        Files.readString(bundle.resolve("checksums.json"), StandardCharsets.UTF_8)
            .replaceAll("(?s)^.*\"files\"\\s*:", "")
            .replaceAll("(?s)}\\s*$", "");
    Files.delete(bundle.resolve("checksums.json"));
    Files.writeString(
        bundle.resolve("import_manifest.json"),
        "{ \"quality\": {\"average_score\": 0.9}, \"checksums\": " + files + " }");
    Map<String, Double> metrics = metrics(bundle);
    assertEquals(20.0, metrics.get("checksum_files"));
    assertEquals(1.0, metrics.get("checksum_consistency"));
  }

  @Test
  void percentilesInterpolateLinearly() {
    double[] values = {1, 2, 3, 4};
    assertEquals(1.3, DatasetMetrics.percentile(values, 0.10), 1e-12);
    assertEquals(2.5, DatasetMetrics.percentile(values, 0.50), 1e-12);
    assertEquals(3.7, DatasetMetrics.percentile(values, 0.90), 1e-12);
    assertEquals(7.0, DatasetMetrics.percentile(new double[] {7}, 0.9));
  }

  @Test
  void allowanceTakesTheLargerOfAbsAndRel() {
    assertEquals(0.5, new DriftGuard.Allowance(0.5, 0.01).allowed(10), 1e-12);
    assertEquals(2.0, new DriftGuard.Allowance(0.5, 0.2).allowed(-10), 1e-12);
    assertEquals(0.0, DriftGuard.Allowance.EXACT.allowed(10));
  }

  // Malformed input: BundleInvalidException (exit 2 in the CLI), naming the file.

  private Path bundleWithEpisode(String json) throws IOException {
    Path bundle = tmp.resolve("b");
    Files.createDirectories(bundle.resolve("episodes"));
    Files.writeString(bundle.resolve("episodes/e1.json"), json);
    Files.writeString(bundle.resolve("r.bin"), "x");
    Files.writeString(
        bundle.resolve("checksums.json"),
        "{\"schema_version\":\"1.0\",\"files\":{\"r.bin\":{\"sha256\":"
            + "\"2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881\","
            + "\"size_bytes\":1}}}");
    return bundle;
  }

  private static String messageFor(Path bundle) {
    return assertThrows(BundleInvalidException.class, () -> metrics(bundle)).getMessage();
  }

  @Test
  void wellFormedMinimalBundleComputes() throws Exception {
    Path bundle =
        bundleWithEpisode(
            "{\"episode_id\":\"a\",\"quality_score\":0.9,\"duration_s\":3,\"collisions\":0}");
    Map<String, Double> metrics = metrics(bundle);
    assertEquals(1.0, metrics.get("checksum_consistency"));
    assertEquals(0.9, metrics.get("quality_score.p10"));
  }

  @Test
  void malformedEpisodesAreBadInput() throws Exception {
    assertTrue(
        messageFor(bundleWithEpisode("{\"episode_id\":\"a\",\"quality_score\":\"0.9\"}"))
            .contains("episodes/e1.json: quality_score must be a finite number, got \"0.9\""));
    assertTrue(
        messageFor(
                bundleWithEpisode(
                    "{\"episode_id\":\"a\",\"quality_score\":1.2,\"duration_s\":3,\"collisions\":0}"))
            .contains("quality_score 1.2 is outside 0..1"));
    assertTrue(
        messageFor(
                bundleWithEpisode(
                    "{\"episode_id\":\"a\",\"quality_score\":0.9,\"duration_s\":3,"
                        + "\"collisions\":1.5}"))
            .contains("collisions must be a whole number >= 0"));
    assertTrue(messageFor(bundleWithEpisode("{\"episode_id\":")).contains("not valid JSON"));
    assertTrue(messageFor(bundleWithEpisode("[]")).contains("not a JSON object"));
    assertTrue(
        messageFor(bundleWithEpisode("{\"quality_score\":0.9}"))
            .contains("episode_id must be a non-empty string"));
  }

  @Test
  void duplicateEpisodeIdsAreBadInput() throws Exception {
    Path bundle =
        bundleWithEpisode(
            "{\"episode_id\":\"a\",\"quality_score\":0.9,\"duration_s\":3,\"collisions\":0}");
    Files.copy(bundle.resolve("episodes/e1.json"), bundle.resolve("episodes/e2.json"));
    assertTrue(messageFor(bundle).contains("episode_id \"a\" appears twice"));
  }

  @Test
  void bundleWithoutEpisodesOrChecksumsIsBadInput() throws Exception {
    Path empty = tmp.resolve("empty");
    Files.createDirectories(empty);
    assertTrue(messageFor(empty).contains("no episodes/*.json"));

    Path bundle =
        bundleWithEpisode(
            "{\"episode_id\":\"a\",\"quality_score\":0.9,\"duration_s\":3,\"collisions\":0}");
    Files.delete(bundle.resolve("checksums.json"));
    assertTrue(messageFor(bundle).contains("no checksums.json or import_manifest.json"));
    Files.writeString(bundle.resolve("checksums.json"), "{\"files\": 3}");
    assertTrue(messageFor(bundle).contains("checksums.json"));
  }

  @Test
  void malformedBaselineOrThresholdsAreBadInput() throws Exception {
    Path baseline = tmp.resolve("baseline.json");
    Files.writeString(baseline, "{\"schema_version\":\"1.0\",\"metrics\":{\"episode_count\":1}}");
    assertTrue(
        assertThrows(BundleInvalidException.class, () -> DriftGuard.readBaseline(baseline))
            .getMessage()
            .contains("quality_score.mean is not pinned"));
    Files.writeString(baseline, "{\"metrics\":{\"episode_cuont\":1}}");
    assertTrue(
        assertThrows(BundleInvalidException.class, () -> DriftGuard.readBaseline(baseline))
            .getMessage()
            .contains("unknown metric \"episode_cuont\""));
    assertTrue(
        assertThrows(
                BundleInvalidException.class,
                () -> DriftGuard.readBaseline(tmp.resolve("absent.json")))
            .getMessage()
            .contains("no baseline file"));

    Path thresholds = tmp.resolve("thresholds.json");
    for (String bad :
        List.of(
            "{\"metrics\":{\"collision_rate\":{\"abs\":-1}}}",
            "{\"metrics\":{\"collision_rate\":{\"abs\":\"0.1\"}}}",
            "{\"metrics\":{\"collision_rate\":{}}}",
            "{\"metrics\":{\"collision_rate\":{\"absolute\":0.1}}}",
            "{\"metrics\":{\"nope\":{\"abs\":0.1}}}",
            "{\"schema_version\":\"2.0\"}",
            "{\"default\": 0.1}")) {
      Files.writeString(thresholds, bad);
      assertThrows(BundleInvalidException.class, () -> DriftGuard.readThresholds(thresholds), bad);
    }
  }

  private static void writeChecksumsFor(Path bundle) throws Exception {
    var store = new LocalObjectStore(bundle);
    var manifest =
        new dev.scenegate.manifest.ManifestBuilder(store, 1)
            .build(
                "",
                bundle.toString(),
                List.of("checksums.json", "baseline_metrics.json", "thresholds.json"));
    Files.write(
        bundle.resolve("checksums.json"), dev.scenegate.manifest.ManifestCodec.write(manifest));
  }
}
