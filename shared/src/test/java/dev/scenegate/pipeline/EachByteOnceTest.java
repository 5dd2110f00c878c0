package dev.scenegate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.testing.RecordingPublisher;
import dev.scenegate.testing.ThroughputClock;
import dev.scenegate.verify.Sha256;
import dev.scenegate.verify.VerifyBudgetExhaustedException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN "Digest ledger" through the marker handler: the three stages that verify {@code
 * assets/source_checksums.json} read the assets once between them, a re-run reads none, and a
 * verification longer than its budget continues over redeliveries.
 */
class EachByteOnceTest {
  private static final List<Stage> ASSET_STAGES =
      List.of(Stage.REGEN3D, Stage.VARIATION_ASSETS, Stage.USD);

  @TempDir Path dir;

  private static long assetBytes(HandlerHarness h) throws Exception {
    return h.scene.store().list(h.scene.object("assets/")).stream()
        .filter(i -> !i.name().endsWith("source_checksums.json"))
        .mapToLong(ObjectInfo::size)
        .sum();
  }

  private static JsonNode details(HandlerHarness h, Stage stage) throws Exception {
    return h.state().stage(stage).details();
  }

  @Test
  void theThreeAssetStagesHashTheAssetsOnceAndAReRunHashesNone() throws Exception {
    HandlerHarness h = new HandlerHarness(dir, "kitchen_001");
    h.scene.writeAllPassing();
    long assets = assetBytes(h);

    long hashed = 0;
    for (Stage stage : ASSET_STAGES) {
      h.deliver(stage.markers().get(0));
      assertEquals(StageStatus.PASSED, h.status(stage));
      hashed += details(h, stage).path("bytes_hashed").asLong();
    }
    assertEquals(assets, hashed, "each asset byte hashed once over the three stages");
    assertEquals(0, details(h, Stage.USD).path("bytes_hashed").asLong());
    assertEquals(assets, details(h, Stage.USD).path("bytes_reused").asLong());

    // Every marker written again, assets unchanged: every byte reused.
    for (Stage stage : ASSET_STAGES) {
      h.deliver(stage.markers().get(0));
      assertEquals(0, details(h, stage).path("bytes_hashed").asLong(), stage.wireName());
      assertEquals(assets, details(h, stage).path("bytes_reused").asLong(), stage.wireName());
    }
  }

  @Test
  void aCorruptionIsFoundByEveryStageThatReusesTheRecord() throws Exception {
    HandlerHarness h = new HandlerHarness(dir, "kitchen_001");
    h.scene.writeAllPassing();
    String corrupted = h.scene.corruptAsset();
    for (Stage stage : ASSET_STAGES) {
      h.deliver(stage.markers().get(0));
      assertEquals(StageStatus.FAILED, h.status(stage), stage.wireName());
    }
    assertEquals(0, details(h, Stage.USD).path("bytes_hashed").asLong());
    assertEquals(3, h.publisher.alerts().size());
    h.publisher
        .alerts()
        .forEach(a -> assertEquals(corrupted, a.path("failures").get(0).path("path").asText()));
  }

  /** A handler on a clock that moves 1 ns per byte read, with {@code VERIFY_BUDGET}. */
  private static final class BudgetHarness {
    final ThroughputClock clock = new ThroughputClock(1);
    final LocalObjectStore local;
    final SceneFixture scene;
    final RecordingPublisher publisher = new RecordingPublisher();
    final MarkerHandler handler;

    BudgetHarness(Path dir, String budget) {
      local = new LocalObjectStore(dir);
      scene = new SceneFixture(local, "big_scene");
      handler =
          new MarkerHandler(
              clock.store(local),
              publisher,
              new SimpleMeterRegistry(),
              MarkerConfig.fromEnv(Map.of("VERIFY_THREADS", "1", "VERIFY_BUDGET", budget)),
              clock);
    }

    /** Delivers {@code trigger} again and again, as the platform would, until it is processed. */
    int deliverUntilProcessed(Trigger trigger, int maxRounds) throws Exception {
      for (int round = 0; round < maxRounds; round++) {
        try {
          handler.handle(trigger);
          return round;
        } catch (VerifyBudgetExhaustedException e) {
          // redelivered
        }
      }
      throw new AssertionError("still cut off after " + maxRounds + " deliveries");
    }

    StageRecord stage(Stage stage) throws Exception {
      return handler
          .stateStore(local.bucket())
          .find("big_scene")
          .orElseThrow()
          .state()
          .stage(stage);
    }
  }

  @Test
  void aSceneTooBigForOneDeliveryPassesOverRedeliveries() throws Exception {
    BudgetHarness b = new BudgetHarness(dir, "PT0.000002S"); // 2,000 bytes a delivery
    b.scene.writeAllPassing(); // three assets of 3,000 + 2,000 + 13 bytes

    int redeliveries = b.deliverUntilProcessed(b.scene.marker("assets/.regen3d_complete"), 10);

    assertTrue(redeliveries >= 1, "cut off at least once");
    assertEquals(StageStatus.PASSED, b.stage(Stage.REGEN3D).status());
    JsonNode details = b.stage(Stage.REGEN3D).details();
    assertEquals(
        5013, details.path("bytes_hashed").asLong() + details.path("bytes_reused").asLong());
  }

  @Test
  void anAssetTooLargeForAnyDeliveryFailsTheStageWithAnAlert() throws Exception {
    BudgetHarness b = new BudgetHarness(dir, "PT0.0001S"); // 100,000 bytes a delivery
    b.scene.writeAllPassing();
    // An extra asset of 40 hashing chunks, listed in a rewritten manifest.
    byte[] huge = new byte[40 * Sha256.BUFFER_BYTES];
    b.scene.put("assets/huge.usd", huge);
    rewriteAssetsManifestWith(b, "huge.usd", huge);

    assertEquals(0, b.deliverUntilProcessed(b.scene.marker("assets/.regen3d_complete"), 3));

    StageRecord regen3d = b.stage(Stage.REGEN3D);
    assertEquals(StageStatus.FAILED, regen3d.status());
    assertEquals("TOO_LARGE_FOR_BUDGET", regen3d.details().path("error").asText());
    assertEquals("huge.usd", regen3d.details().path("too_large").get(0).path("path").asText());
    JsonNode alert = b.publisher.alerts().get(0);
    assertEquals("TOO_LARGE_FOR_BUDGET", alert.path("failures").get(0).path("kind").asText());
    assertTrue(
        alert.path("remediation").get(0).asText().contains("VERIFY_BUDGET"), alert.toString());
    assertTrue(b.local.stat(b.scene.object("assets/.failed")).isPresent());
  }

  private static void rewriteAssetsManifestWith(BudgetHarness b, String path, byte[] bytes)
      throws Exception {
    var manifest =
        dev.scenegate.manifest.ManifestCodec.parse(
            b.local.readSmall(b.scene.object("assets/source_checksums.json"), 0, 1 << 20), "m");
    var entries = new java.util.ArrayList<>(manifest.files());
    entries.add(dev.scenegate.manifest.ManifestEntry.of(path, Sha256.hex(bytes), bytes.length));
    b.scene.put(
        "assets/source_checksums.json",
        dev.scenegate.manifest.ManifestCodec.write(
            dev.scenegate.manifest.ChecksumManifest.of(
                manifest.generatedAt(), manifest.root(), entries)));
  }
}
