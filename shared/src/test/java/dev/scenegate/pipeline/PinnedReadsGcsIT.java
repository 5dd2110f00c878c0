package dev.scenegate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.FakeGcs;
import dev.scenegate.testing.ForwardingObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DESIGN (pinned reads) against fake-gcs-server, with a bucket without versioning (a replaced
 * generation is gone) and one with versioning (it stays readable by its generation).
 */
class PinnedReadsGcsIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsOnly();

  private static final String SCENE = "kitchen_001";

  private static HandlerHarness harness(ObjectStore store) {
    return new HandlerHarness(store, SCENE, Map.of("VERIFY_THREADS", "2"));
  }

  private static GcsObjectStore bucket(boolean versioned) {
    FakeGcs gcs = EMULATORS.gcs();
    String name = versioned ? gcs.createVersionedBucket("pinned-v") : gcs.createBucket("pinned");
    return new GcsObjectStore(gcs.storage(), name);
  }

  /** A scene-root manifest whose one entry names a digest source_image.png does not have. */
  private static Trigger replaceSourceManifestWithAWrongOne(HandlerHarness h) throws Exception {
    ChecksumManifest wrong =
        ChecksumManifest.of(
            "2025-01-02T00:00:00Z",
            "/mnt/gcs/scenes/" + SCENE,
            List.of(ManifestEntry.of("source_image.png", "ab".repeat(32), 4096)));
    h.scene.put("source_checksums.json", ManifestCodec.write(wrong));
    return h.scene.existing("source_checksums.json");
  }

  @Test
  void unversionedBucket_aSourceManifestReplacedBeforeEvaluationIsSuperseded() throws Exception {
    HandlerHarness h = harness(bucket(false));
    Trigger first = h.scene.writeSourceImage();
    Trigger second = replaceSourceManifestWithAWrongOne(h);

    assertEquals(MarkerHandler.DeliveryOutcome.SUPERSEDED, h.deliver(first).outcome());
    assertTrue(h.handler.stateStore(h.scene.store().bucket()).find(SCENE).isEmpty());
    assertEquals(List.of(), h.publisher.payloads(), "no event, no alert");
    assertFalse(h.scene.store().stat(h.scene.object(".failed")).isPresent());

    assertEquals(MarkerHandler.DeliveryOutcome.PROCESSED, h.deliver(second).outcome());
    assertEquals(StageStatus.FAILED, h.status(Stage.SOURCE_IMAGE));
    assertEquals(
        Long.toString(second.generation()),
        h.state().stage(Stage.SOURCE_IMAGE).details().path("manifest_generation").asText());
  }

  @Test
  void versionedBucket_eachSourceManifestGenerationIsJudgedOnItsOwnContent() throws Exception {
    HandlerHarness h = harness(bucket(true));
    Trigger first = h.scene.writeSourceImage();
    Trigger second = replaceSourceManifestWithAWrongOne(h);

    // The first generation is still there (noncurrent): read at exactly it, it passes; the live
    // (wrong) manifest would have failed it falsely.
    assertEquals(MarkerHandler.DeliveryOutcome.PROCESSED, h.deliver(first).outcome());
    assertEquals(StageStatus.PASSED, h.status(Stage.SOURCE_IMAGE));
    assertEquals(
        Long.toString(first.generation()),
        h.state().stage(Stage.SOURCE_IMAGE).details().path("manifest_generation").asText());
    assertEquals(List.of(), h.publisher.alerts());

    assertEquals(MarkerHandler.DeliveryOutcome.PROCESSED, h.deliver(second).outcome());
    assertEquals(StageStatus.FAILED, h.status(Stage.SOURCE_IMAGE));
    assertEquals(1, h.publisher.alerts().size());
  }

  /**
   * Replaces {@code victim} (same bytes, a new generation) just before the first read of it, as a
   * job re-uploading an asset would.
   */
  private static final class ReplacingStore extends ForwardingObjectStore {
    private final String victim;
    private final AtomicInteger replacementsLeft = new AtomicInteger(1);
    final AtomicInteger opens = new AtomicInteger();

    ReplacingStore(ObjectStore delegate, String victim) {
      super(delegate);
      this.victim = victim;
    }

    @Override
    public InputStream open(String name, long generation) throws IOException {
      if (name.equals(victim)) {
        opens.incrementAndGet();
        if (replacementsLeft.getAndDecrement() > 0) {
          byte[] same = delegate.readSmall(name, generation, 1 << 20);
          delegate.write(name, same, null, Map.of(), Precondition.generationMatch(generation));
        }
      }
      return delegate.open(name, generation);
    }
  }

  private void anAssetReplacedWhileVerifying(boolean versioned, int expectedOpens)
      throws Exception {
    ReplacingStore store =
        new ReplacingStore(bucket(versioned), "scenes/" + SCENE + "/assets/obj_1/asset.glb");
    HandlerHarness h = harness(store);
    h.scene.writeAssets();

    h.deliver("assets/.regen3d_complete");

    // Never a false MISSING: without versions the replaced asset is read again at its new
    // generation; with versions the generation listed is still there and is what is read.
    assertEquals(StageStatus.PASSED, h.status(Stage.REGEN3D));
    assertEquals(expectedOpens, store.opens.get());
  }

  @Test
  void unversionedBucket_anAssetReplacedDuringItsReadIsReadAgain() throws Exception {
    anAssetReplacedWhileVerifying(false, 2);
  }

  @Test
  void versionedBucket_anAssetReplacedDuringItsReadIsReadAtItsListedGeneration() throws Exception {
    anAssetReplacedWhileVerifying(true, 1);
  }
}
