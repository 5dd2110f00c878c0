package dev.scenegate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.ledger.DigestRecord;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.FakeGcs;
import dev.scenegate.testing.Scenes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ledger's reuse rule against fake-gcs-server, whose objects carry a crc32c. */
class VerifierLedgerGcsIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsOnly();

  private static final String ASSETS = "scenes/kitchen_001/assets/";
  private static final String MANIFEST = ASSETS + ChecksumManifest.FILE_NAME;

  @Test
  void reuseNeedsGenerationAndCrc32cAndAForgedRecordIsNotTrusted() throws Exception {
    FakeGcs gcs = EMULATORS.gcs();
    ObjectStore store = new GcsObjectStore(gcs.storage(), gcs.createBucket("ledger-verify"));
    ObjectStore state = new GcsObjectStore(gcs.storage(), gcs.createBucket("ledger-state"));
    Map<String, byte[]> files = Scenes.sampleAssets();
    Scenes.put(store, ASSETS, files);
    long total = files.values().stream().mapToLong(b -> b.length).sum();
    DigestLedger ledger = DigestLedger.forBucket(state, store.bucket());
    Verifier verifier = new Verifier(store, 2, new SimpleMeterRegistry()).withLedger(ledger);

    // A forged record for the live generation of scene.usda: another digest and another crc32c
    // than the object's. It is not trusted: the bytes are read (and the truth recorded).
    ObjectInfo usda = store.stat(ASSETS + "scene.usda").orElseThrow();
    ledger.record(
        List.of(
            new DigestRecord(
                usda.name(),
                usda.generation(),
                "0".repeat(64),
                usda.size(),
                "AAAAAA==",
                Instant.now(),
                DigestRecord.BY_AUDIT)));
    VerificationReport first = verifier.verify(MANIFEST, false);
    assertTrue(first.ok(), first.toString());
    assertEquals(total, first.bytesHashed());

    // Generation and crc32c equal to what was recorded: nothing is read.
    VerificationReport second = verifier.verify(MANIFEST, false);
    assertTrue(second.ok(), second.toString());
    assertEquals(0, second.bytesHashed());
    assertEquals(total, second.bytesReused());
  }
}
