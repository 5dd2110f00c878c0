package dev.scenegate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.BlobId;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.storage.TransientStorageException;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.FakeGcs;
import dev.scenegate.testing.Scenes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The verifier over scenes held in fake-gcs-server. */
class GcsVerifyIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsOnly();

  private static final String ASSETS = "scenes/kitchen_001/assets/";
  private static final String MANIFEST = ASSETS + ChecksumManifest.FILE_NAME;

  private static ObjectStore freshStore(FakeGcs gcs) {
    return new GcsObjectStore(gcs.storage(), gcs.createBucket("verify"));
  }

  private static VerificationReport verify(ObjectStore store, boolean strict) throws Exception {
    return new Verifier(store, 2, new SimpleMeterRegistry()).verify(MANIFEST, strict);
  }

  @Test
  void aGoodSceneVerifies() throws Exception {
    ObjectStore store = freshStore(EMULATORS.gcs());
    Scenes.put(store, ASSETS, Scenes.sampleAssets());
    VerificationReport report = verify(store, true);
    assertTrue(report.ok(), report.toString());
    assertEquals(3, report.filesChecked());
    assertEquals(
        Scenes.sampleAssets().values().stream().mapToLong(b -> b.length).sum(),
        report.bytesHashed());
  }

  @Test
  void corruptedMissingAndResizedObjectsAreReportedEach() throws Exception {
    FakeGcs gcs = EMULATORS.gcs();
    ObjectStore store = freshStore(gcs);
    Map<String, byte[]> files = Scenes.sampleAssets();
    Scenes.put(store, ASSETS, files);
    byte[] corrupted = files.get("obj_1/asset.glb").clone();
    corrupted[0] ^= 0x20;
    store.write(ASSETS + "obj_1/asset.glb", corrupted, null, Map.of(), Precondition.none());
    gcs.storage().delete(BlobId.of(store.bucket(), ASSETS + "obj_2/asset.glb"));
    store.write(
        ASSETS + "scene.usda",
        "#usda 1.0\n# edited\n".getBytes(StandardCharsets.UTF_8),
        null,
        Map.of(),
        Precondition.none());
    VerificationReport report = verify(store, false);
    assertEquals(
        List.of(
            "obj_1/asset.glb SHA256_MISMATCH",
            "obj_2/asset.glb MISSING",
            "scene.usda SIZE_MISMATCH"),
        report.failures().stream().map(f -> f.path() + " " + f.kind()).toList());
    FileFailure sha = report.failures().get(0);
    assertEquals(Sha256.hex(files.get("obj_1/asset.glb")), sha.expectedSha256());
    assertEquals(Sha256.hex(corrupted), sha.actualSha256());
  }

  @Test
  void strictModeListsUnlistedObjectsButNotMarkers() throws Exception {
    ObjectStore store = freshStore(EMULATORS.gcs());
    Scenes.put(store, ASSETS, Scenes.sampleAssets());
    store.write(ASSETS + ".regen3d_complete", new byte[0], null, Map.of(), Precondition.none());
    store.write(ASSETS + "obj_3/extra.glb", new byte[] {1}, null, Map.of(), Precondition.none());
    VerificationReport report = verify(store, true);
    assertEquals(List.of("obj_3/extra.glb"), report.unlisted());
  }

  @Test
  void aDownloadThatDoesNotMatchTheObjectsCrc32cIsATransientFaultNotAVerdict() throws Exception {
    FakeGcs files = EMULATORS.fileBackedGcs();
    ObjectStore store = freshStore(files);
    Map<String, byte[]> assets = Scenes.sampleAssets();
    Scenes.put(store, ASSETS, assets);
    // Flip one byte behind the server's back: it still reports the original CRC32C and size.
    try (RandomAccessFile file =
        new RandomAccessFile(
            files.objectFile(store.bucket(), ASSETS + "scene.usda").toFile(), "rw")) {
      file.seek(2);
      int b = file.read();
      file.seek(2);
      file.write(b ^ 0x01);
    }
    TransientStorageException fault =
        assertThrows(TransientStorageException.class, () -> verify(store, false));
    assertTrue(fault.getMessage().contains("CRC32C"), fault.getMessage());
    assertTrue(fault.getMessage().contains("scene.usda"), fault.getMessage());
  }
}
