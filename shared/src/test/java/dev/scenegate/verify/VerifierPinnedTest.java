package dev.scenegate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.storage.TransientStorageException;
import dev.scenegate.testing.ForwardingObjectStore;
import dev.scenegate.testing.Scenes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DESIGN: every read that decides a verdict is pinned to one generation. */
class VerifierPinnedTest {
  private static final String MANIFEST = ChecksumManifest.FILE_NAME;

  @TempDir Path root;

  private static Map<String, byte[]> files(int count) {
    Map<String, byte[]> files = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      files.put("obj_" + i + "/asset.glb", ("asset " + i).getBytes(StandardCharsets.UTF_8));
    }
    return files;
  }

  /**
   * A store that, when {@code victim} is opened at the generation found for it, first writes it
   * again (same bytes: a new generation) {@code replacements} times, as a job re-uploading it
   * would, so the generation opened is gone: what a bucket without versioning does.
   */
  private static final class ReplacingStore extends ForwardingObjectStore {
    private final String victim;
    private final byte[] content;
    private final AtomicInteger replacementsLeft;
    final AtomicInteger opens = new AtomicInteger();

    ReplacingStore(ObjectStore delegate, String victim, byte[] content, int replacements) {
      super(delegate);
      this.victim = victim;
      this.content = content;
      this.replacementsLeft = new AtomicInteger(replacements);
    }

    @Override
    public InputStream open(String name, long generation) throws IOException {
      if (name.equals(victim)) {
        opens.incrementAndGet();
        if (replacementsLeft.getAndDecrement() > 0) {
          ObjectInfo now =
              delegate.write(
                  name, content, null, Map.of(), Precondition.generationMatch(generation));
          assertTrue(now.generation() > generation);
        }
      }
      return delegate.open(name, generation);
    }
  }

  @ParameterizedTest(name = "{0} files")
  @ValueSource(ints = {2, 9}) // stat'ed one by one, and listed once
  void aFileReplacedDuringItsReadIsReadAgainNotReportedMissing(int count) throws Exception {
    LocalObjectStore local = new LocalObjectStore(root);
    Map<String, byte[]> files = files(count);
    Scenes.put(local, "", files);
    ReplacingStore store =
        new ReplacingStore(local, "obj_1/asset.glb", files.get("obj_1/asset.glb"), 1);

    VerificationReport report =
        new Verifier(store, 2, new SimpleMeterRegistry()).verify(MANIFEST, false);

    assertTrue(report.ok(), report.toString());
    assertEquals(2, store.opens.get(), "the vanished generation, then the one there now");
    assertEquals(files.values().stream().mapToLong(b -> b.length).sum(), report.bytesHashed());
  }

  @Test
  void aFileReplacedEveryTimeIsATransientFaultNotAVerdict() throws Exception {
    LocalObjectStore local = new LocalObjectStore(root);
    Map<String, byte[]> files = files(9);
    Scenes.put(local, "", files);
    ReplacingStore store =
        new ReplacingStore(
            local, "obj_3/asset.glb", files.get("obj_3/asset.glb"), Integer.MAX_VALUE);

    Verifier verifier = new Verifier(store, 2, new SimpleMeterRegistry());
    TransientStorageException e =
        assertThrows(TransientStorageException.class, () -> verifier.verify(MANIFEST, false));

    assertTrue(e.getMessage().contains("obj_3/asset.glb"), e.getMessage());
    assertEquals(Verifier.READ_ROUNDS, store.opens.get());
  }

  @Test
  void aFileDeletedAfterTheListingIsMissing() throws Exception {
    LocalObjectStore local = new LocalObjectStore(root);
    Scenes.put(local, "", files(9));
    ObjectStore store =
        new ForwardingObjectStore(local) {
          @Override
          public InputStream open(String name, long generation) throws IOException {
            if (name.equals("obj_5/asset.glb")) {
              delegate.delete(name, generation);
            }
            return delegate.open(name, generation);
          }
        };

    VerificationReport report =
        new Verifier(store, 1, new SimpleMeterRegistry()).verify(MANIFEST, false);

    assertEquals(1, report.failures().size(), report.toString());
    assertEquals("obj_5/asset.glb", report.failures().get(0).path());
    assertEquals(Outcome.MISSING, report.failures().get(0).kind());
  }

  @Test
  void theManifestIsReadAtTheGenerationStatedAndReportsIt() throws Exception {
    LocalObjectStore local = new LocalObjectStore(root);
    Scenes.put(local, "", files(3));
    long generation = local.stat(MANIFEST).orElseThrow().generation();

    VerificationReport report =
        new Verifier(local, 1, new SimpleMeterRegistry()).verify(MANIFEST, false);

    assertEquals(generation, report.manifestGeneration());
  }

  @Test
  void aManifestGenerationThatIsGoneIsSupersededNotMissingOrFailed() throws Exception {
    LocalObjectStore local = new LocalObjectStore(root);
    Scenes.put(local, "", files(3));
    long first = local.stat(MANIFEST).orElseThrow().generation();
    Scenes.put(local, "", Map.of("other.bin", new byte[] {1, 2, 3}));
    Verifier verifier = new Verifier(local, 1, new SimpleMeterRegistry());

    ManifestSupersededException e =
        assertThrows(
            ManifestSupersededException.class, () -> verifier.verifyAt(MANIFEST, first, false));
    assertEquals(first, e.generation());

    long second = local.stat(MANIFEST).orElseThrow().generation();
    VerificationReport report = verifier.verifyAt(MANIFEST, second, false);
    assertTrue(report.ok(), report.toString());
    assertEquals(List.of(), report.failures());
    assertEquals(second, report.manifestGeneration());
  }
}
