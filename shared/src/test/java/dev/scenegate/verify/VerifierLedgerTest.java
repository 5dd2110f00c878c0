package dev.scenegate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.ledger.DigestRecord;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.testing.ForwardingObjectStore;
import dev.scenegate.testing.Scenes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DESIGN "Digest ledger": each byte hashed once per generation, by every verification. */
class VerifierLedgerTest {
  private static final String ASSETS = "scenes/kitchen_001/assets/";
  private static final String MANIFEST = ASSETS + ChecksumManifest.FILE_NAME;

  @TempDir Path root;

  private LocalObjectStore local;
  private CountingStore store;
  private DigestLedger ledger;
  private Map<String, byte[]> files;
  private long total;

  /** Counts bytes opened for reading, and ledger documents written. */
  private static final class CountingStore extends ForwardingObjectStore {
    final AtomicLong opened = new AtomicLong();
    final List<String> ledgerWrites = new ArrayList<>();

    CountingStore(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public InputStream open(String name, long generation) throws IOException {
      opened.addAndGet(delegate.stat(name).map(ObjectInfo::size).orElse(0L));
      return delegate.open(name, generation);
    }

    @Override
    public synchronized ObjectInfo write(
        String name,
        byte[] data,
        String contentType,
        Map<String, String> metadata,
        Precondition precondition)
        throws IOException {
      if (name.startsWith(DigestLedger.PREFIX)) {
        ledgerWrites.add(name);
      }
      return delegate.write(name, data, contentType, metadata, precondition);
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    local = new LocalObjectStore(root);
    store = new CountingStore(local);
    ledger = DigestLedger.local(store);
    files = new TreeMap<>();
    for (int i = 0; i < 8; i++) {
      files.put(
          "obj_" + i + "/asset.glb",
          ("asset number " + i).repeat(50).getBytes(StandardCharsets.UTF_8));
    }
    Scenes.put(local, ASSETS, files);
    total = files.values().stream().mapToLong(b -> b.length).sum();
  }

  private VerificationReport verify() throws Exception {
    return new Verifier(store, 2, new SimpleMeterRegistry())
        .withLedger(ledger)
        .verify(MANIFEST, false);
  }

  @Test
  void aSecondVerificationReadsNoByte() throws Exception {
    VerificationReport first = verify();
    assertTrue(first.ok(), first.toString());
    assertEquals(total, first.bytesHashed());
    assertEquals(0, first.bytesReused());
    assertEquals(
        List.of(DigestLedger.PREFIX + ASSETS + "digests.json"),
        store.ledgerWrites,
        "one compare-and-set");

    store.opened.set(0);
    VerificationReport second = verify();
    assertTrue(second.ok(), second.toString());
    assertEquals(0, second.bytesHashed());
    assertEquals(total, second.bytesReused());
    assertEquals(0, store.opened.get(), "no byte read");
    assertEquals(1, store.ledgerWrites.size(), "nothing new to record");
  }

  @Test
  void aReplacedObjectIsReadAgain() throws Exception {
    verify();
    byte[] same = files.get("obj_3/asset.glb");
    local.write(ASSETS + "obj_3/asset.glb", same, null, Map.of(), Precondition.none());

    VerificationReport again = verify();

    assertTrue(again.ok(), again.toString());
    assertEquals(same.length, again.bytesHashed(), "only the new generation is read");
    assertEquals(total - same.length, again.bytesReused());
  }

  @Test
  void aCorruptedFileStaysAMismatchWhenItsRecordIsReused() throws Exception {
    byte[] bad = files.get("obj_5/asset.glb").clone();
    bad[7] ^= 0x40;
    local.write(ASSETS + "obj_5/asset.glb", bad, null, Map.of(), Precondition.none());

    VerificationReport first = verify();
    assertFalse(first.ok());
    FileFailure found = first.failures().get(0);
    assertEquals(Outcome.SHA256_MISMATCH, found.kind());

    store.opened.set(0);
    VerificationReport second = verify();
    assertEquals(0, store.opened.get(), "judged from the record");
    assertEquals(List.of(found), second.failures(), "the same mismatch, the same actual digest");
    assertEquals(Sha256.hex(bad), second.failures().get(0).actualSha256());
  }

  @Test
  void aRecordThatDoesNotVouchForTheObjectIsNotTrusted() throws Exception {
    // A record for the current generation claiming the manifest's digest, but for another size
    // (locally, generation and size vouch): the bytes are read, and the truth is found.
    byte[] bad = files.get("obj_2/asset.glb").clone();
    bad[0] ^= 0x01;
    ObjectInfo written =
        local.write(ASSETS + "obj_2/asset.glb", bad, null, Map.of(), Precondition.none());
    ledger.record(
        List.of(
            new DigestRecord(
                written.name(),
                written.generation(),
                Sha256.hex(files.get("obj_2/asset.glb")),
                written.size() + 1,
                null,
                Instant.now(),
                DigestRecord.BY_VERIFY)));

    VerificationReport report = verify();

    assertEquals(1, report.failures().size(), report.toString());
    assertEquals(Outcome.SHA256_MISMATCH, report.failures().get(0).kind());
    assertEquals(total, report.bytesHashed());
  }

  @Test
  void withoutALedgerEveryByteIsRead() throws Exception {
    verify();
    VerificationReport plain =
        new Verifier(store, 2, new SimpleMeterRegistry()).verify(MANIFEST, false);
    assertEquals(total, plain.bytesHashed());
    assertEquals(0, plain.bytesReused());
  }
}
