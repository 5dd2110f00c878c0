package dev.scenegate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.scene.Stage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN (pinned reads), through the handler on a folder bucket (no versions: a replaced generation
 * is gone). The same against fake-gcs-server with and without versioning: {@code PinnedReadsGcsIT}.
 */
class PinnedReadsTest {
  private static final String SCENE = "kitchen_001";

  @TempDir Path dir;
  HandlerHarness h;

  @BeforeEach
  void setUp() {
    h = new HandlerHarness(dir, SCENE);
  }

  /** A scene-root manifest whose one entry names a digest source_image.png does not have. */
  private Trigger replaceSourceManifestWithAWrongOne() throws Exception {
    ChecksumManifest wrong =
        ChecksumManifest.of(
            "2025-01-02T00:00:00Z",
            "/mnt/gcs/scenes/" + SCENE,
            List.of(ManifestEntry.of("source_image.png", "ab".repeat(32), 4096)));
    h.scene.put("source_checksums.json", ManifestCodec.write(wrong));
    return h.scene.existing("source_checksums.json");
  }

  @Test
  void aSourceManifestReplacedBeforeItsEventIsEvaluatedDecidesNothing() throws Exception {
    Trigger first = h.scene.writeSourceImage();
    Trigger second = replaceSourceManifestWithAWrongOne();

    MarkerHandler.Result result = h.deliver(first);

    assertEquals(MarkerHandler.DeliveryOutcome.SUPERSEDED, result.outcome());
    assertTrue(
        h.handler.stateStore(h.scene.store().bucket()).find(SCENE).isEmpty(), "nothing written");
    assertEquals(List.of(), h.publisher.payloads(), "no event, no alert");
    assertFalse(h.store.stat(h.scene.object(".failed")).isPresent());
    assertEquals(
        1,
        h.counter(PipelineMetrics.MARKER_EVENTS, "outcome", "superseded"),
        h.meters.getMetersAsString());

    // The newer generation's own event decides, on what it says.
    assertEquals(MarkerHandler.DeliveryOutcome.PROCESSED, h.deliver(second).outcome());
    assertEquals(StageStatus.FAILED, h.status(Stage.SOURCE_IMAGE));
    JsonNode details = h.state().stage(Stage.SOURCE_IMAGE).details();
    assertEquals(Long.toString(second.generation()), details.path("manifest_generation").asText());
  }

  @Test
  void aSourceManifestReplacedAfterItsEventWasDecidedIsNotReadAgain() throws Exception {
    Trigger first = h.scene.writeSourceImage();
    h.deliver(first);
    assertEquals(StageStatus.PASSED, h.status(Stage.SOURCE_IMAGE));
    Trigger second = replaceSourceManifestWithAWrongOne();

    h.deliver(second);
    // A late redelivery of the first is a duplicate: the state keeps what the newer one decided.
    assertEquals(MarkerHandler.DeliveryOutcome.DUPLICATE, h.deliver(first).outcome());
    assertEquals(StageStatus.FAILED, h.status(Stage.SOURCE_IMAGE));
  }

  @Test
  void checksumStagesRecordTheManifestGenerationTheyRead() throws Exception {
    h.scene.writeAssets();
    long manifest = h.store.stat(h.scene.object(Stage.ASSETS_MANIFEST)).orElseThrow().generation();

    h.deliver("assets/.regen3d_complete");

    JsonNode details = h.state().stage(Stage.REGEN3D).details();
    assertEquals(StageStatus.PASSED, h.status(Stage.REGEN3D));
    assertEquals(Long.toString(manifest), details.path("manifest_generation").asText());
    assertTrue(
        details.path("manifest_generation").isTextual(), "a string, like trigger.generation");
    assertEquals(0, details.path("bytes_reused").asLong(-1));
    assertTrue(details.path("bytes_hashed").asLong() > 0);
  }
}
