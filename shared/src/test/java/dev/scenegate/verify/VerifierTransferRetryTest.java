package dev.scenegate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.TransientStorageException;
import dev.scenegate.testing.ForwardingObjectStore;
import dev.scenegate.testing.Scenes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transient transfer faults are retried, and never turn into a checksum verdict. */
class VerifierTransferRetryTest {
  @TempDir Path root;

  /** A local store whose first {@code faults} downloads of one object fail mid-transfer. */
  private static final class FlakyStore extends ForwardingObjectStore {
    private final String flaky;
    private final AtomicInteger faultsLeft;
    final AtomicInteger opens = new AtomicInteger();

    FlakyStore(ObjectStore delegate, String flaky, int faults) {
      super(delegate);
      this.flaky = flaky;
      this.faultsLeft = new AtomicInteger(faults);
    }

    @Override
    public InputStream open(String name, long generation) throws IOException {
      if (name.equals(flaky)) {
        opens.incrementAndGet();
        if (faultsLeft.getAndDecrement() > 0) {
          InputStream in = delegate.open(name, generation);
          in.close();
          throw new TransientStorageException(name + ": download CRC32C does not match");
        }
      }
      return delegate.open(name, generation);
    }
  }

  @Test
  void aTransferFaultIsReadAgain() throws Exception {
    LocalObjectStore local = new LocalObjectStore(root);
    Scenes.put(local, "", Scenes.sampleAssets());
    FlakyStore store = new FlakyStore(local, "scene.usda", Verifier.TRANSFER_ATTEMPTS - 1);
    VerificationReport report =
        new Verifier(store, 1, new SimpleMeterRegistry()).verify(ChecksumManifest.FILE_NAME, false);
    assertTrue(report.ok(), report.toString());
    assertEquals(Verifier.TRANSFER_ATTEMPTS, store.opens.get());
  }

  @Test
  void aPersistentTransferFaultIsThrownNotReportedAsMismatch() throws Exception {
    LocalObjectStore local = new LocalObjectStore(root);
    Scenes.put(local, "", Scenes.sampleAssets());
    FlakyStore store = new FlakyStore(local, "scene.usda", Integer.MAX_VALUE);
    Verifier verifier = new Verifier(store, 1, new SimpleMeterRegistry());
    assertThrows(
        TransientStorageException.class, () -> verifier.verify(ChecksumManifest.FILE_NAME, false));
    assertEquals(Verifier.TRANSFER_ATTEMPTS, store.opens.get());
  }
}
