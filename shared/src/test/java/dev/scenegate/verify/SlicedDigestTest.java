package dev.scenegate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.testing.ForwardingObjectStore;
import dev.scenegate.testing.Scenes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sliced-read contract on a local folder, and how the verifier chooses slices. */
class SlicedDigestTest extends SlicedDigestContract {
  @TempDir Path root;

  @Override
  protected ObjectStore store() {
    return new LocalObjectStore(root);
  }

  /** Counts ranged reads, and does not look like a local folder to {@link FileDigester}. */
  private static final class CountingStore extends ForwardingObjectStore {
    final AtomicInteger ranges = new AtomicInteger();
    final AtomicInteger opens = new AtomicInteger();

    CountingStore(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public InputStream open(String name, long generation) throws IOException {
      opens.incrementAndGet();
      return delegate.open(name, generation);
    }

    @Override
    public InputStream openRange(String name, long generation, long offset, long length)
        throws IOException {
      ranges.incrementAndGet();
      return delegate.openRange(name, generation, offset, length);
    }
  }

  @Test
  void onlyObjectsAboveTheThresholdAreSliced() throws Exception {
    CountingStore store = new CountingStore(new LocalObjectStore(root));
    SlicedDigest sliced = new SlicedDigest(new SliceSettings(4 * SLICE, SLICE, STREAMS));
    FileDigester digester = new FileDigester(store, sliced);
    ObjectInfo atThreshold = put(store, "at.bin", random(4 * SLICE, 1));
    ObjectInfo above = put(store, "above.bin", random(4 * SLICE + 1, 2));
    byte[] buffer = new byte[Sha256.BUFFER_BYTES];

    assertEquals(
        singleStream(store, atThreshold).digest(), digester.digest(atThreshold, buffer, n -> {}));
    assertEquals(0, store.ranges.get());
    Sha256.Digest expected = singleStream(store, above).digest();
    int opensBefore = store.opens.get();
    assertEquals(expected, digester.digest(above, buffer, n -> {}));
    assertEquals(5, store.ranges.get(), "one ranged read per slice");
    assertEquals(opensBefore, store.opens.get(), "no whole-object stream");
  }

  @Test
  void aLocalFolderIsReadAsOneStream() throws Exception {
    LocalObjectStore local = new LocalObjectStore(root);
    FileDigester digester =
        new FileDigester(local, new SlicedDigest(new SliceSettings(0, SLICE, STREAMS)));
    ObjectInfo big = put(local, "big.bin", random(10 * SLICE, 3));
    assertFalse(digester.slices(big));
  }

  @Test
  void theVerifierReadsAnObjectAboveTheDefaultThresholdInSlices() throws Exception {
    CountingStore store = new CountingStore(new LocalObjectStore(root));
    int size = (int) SliceSettings.DEFAULT_THRESHOLD_BYTES + 1;
    Scenes.put(store, "", Map.of("big.usd", random(size, 4), "small.txt", random(10, 5)));
    VerificationReport report =
        new Verifier(store, 2, new SimpleMeterRegistry()).verify(ChecksumManifest.FILE_NAME, false);
    assertTrue(report.ok(), report.toString());
    assertEquals(size + 10, report.bytesHashed());
    SliceSettings settings = SlicedDigest.shared().settings();
    assertEquals(
        (size + settings.sliceBytes() - 1) / settings.sliceBytes(),
        store.ranges.get(),
        "the large file in slices");
  }

  @Test
  void settingsComeFromTheEnvironment() {
    assertEquals(SliceSettings.defaults(), SliceSettings.fromEnvironment(Map.of()));
    assertEquals(
        new SliceSettings(1000, 2000, 3),
        SliceSettings.fromEnvironment(
            Map.of("SLICE_THRESHOLD_BYTES", "1000", "SLICE_BYTES", "2_000", "SLICE_STREAMS", "3")));
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () -> SliceSettings.fromEnvironment(Map.of("SLICE_STREAMS", "many")));
    assertTrue(bad.getMessage().contains("SLICE_STREAMS"), bad.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SliceSettings.fromEnvironment(Map.of("SLICE_STREAMS", "0")));
    assertEquals(36L * 1024 * 1024, SliceSettings.defaults().memoryBudgetBytes());
  }
}
