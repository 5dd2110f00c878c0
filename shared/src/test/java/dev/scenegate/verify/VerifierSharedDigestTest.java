package dev.scenegate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.testing.ForwardingObjectStore;
import dev.scenegate.testing.Scenes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two verifications of the same bytes at once in one process (the three asset stages delivered at
 * the same instant to one instance): the second waits for the first's digest instead of reading.
 */
class VerifierSharedDigestTest {
  private static final String MANIFEST = "scenes/s/assets/" + ChecksumManifest.FILE_NAME;

  @TempDir Path root;

  @Test
  void aSecondVerificationOfTheSameGenerationWaitsForTheFirstsDigest() throws Exception {
    LocalObjectStore local = new LocalObjectStore(root);
    byte[] asset = new byte[100_000];
    Scenes.put(local, "scenes/s/assets/", Map.of("big.glb", asset));
    CountDownLatch opened = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger opens = new AtomicInteger();
    ObjectStore store =
        new ForwardingObjectStore(local) {
          @Override
          public InputStream open(String name, long generation) throws IOException {
            if (opens.incrementAndGet() == 1) {
              opened.countDown();
              try {
                release.await(); // the first read holds until the second verification waits
              } catch (InterruptedException e) {
                throw new InterruptedIOException();
              }
            }
            return delegate.open(name, generation);
          }
        };
    DigestLedger ledger = DigestLedger.local(local);
    Verifier verifier = new Verifier(store, 1, new SimpleMeterRegistry()).withLedger(ledger);

    CompletableFuture<VerificationReport> first =
        CompletableFuture.supplyAsync(() -> verify(verifier));
    assertTrue(opened.await(60, TimeUnit.SECONDS));
    // The ledger is still empty: the second one finds the digest in flight and waits for it.
    CompletableFuture<VerificationReport> second =
        CompletableFuture.supplyAsync(() -> verify(verifier));
    while (Verifier.WAITING.get() == 0 && !second.isDone()) {
      Thread.onSpinWait();
    }
    release.countDown();

    VerificationReport a = first.get(60, TimeUnit.SECONDS);
    VerificationReport b = second.get(60, TimeUnit.SECONDS);
    assertEquals(1, opens.get(), "read once");
    assertTrue(a.ok() && b.ok());
    assertEquals(asset.length, a.bytesHashed());
    assertEquals(asset.length, b.bytesReused());
    assertEquals(0, b.bytesHashed());
  }

  private static VerificationReport verify(Verifier verifier) {
    try {
      return verifier.verify(MANIFEST, false);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
