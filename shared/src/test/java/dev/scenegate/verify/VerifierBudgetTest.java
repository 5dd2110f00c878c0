package dev.scenegate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.testing.Scenes;
import dev.scenegate.testing.ThroughputClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN (resumable verification), on a clock that moves 1 ns per byte read: a budget of N ns reads
 * about N bytes. Each round is a redelivery: a new budget, the same ledger.
 */
class VerifierBudgetTest {
  private static final String MANIFEST = "scenes/s/assets/" + ChecksumManifest.FILE_NAME;
  private static final int FILE_BYTES = 1000;

  @TempDir Path root;

  private LocalObjectStore local;
  private final ThroughputClock clock = new ThroughputClock(1);
  private ObjectStore store;
  private DigestLedger ledger;
  private long total;

  @BeforeEach
  void setUp() {
    local = new LocalObjectStore(root);
    store = clock.store(local);
    ledger = DigestLedger.local(local);
  }

  private void scene(int count, Map<String, byte[]> extra) throws Exception {
    Map<String, byte[]> files = new TreeMap<>(extra);
    for (int i = 0; i < count; i++) {
      byte[] b = new byte[FILE_BYTES];
      for (int j = 0; j < b.length; j++) {
        b[j] = (byte) (i * 31 + j);
      }
      files.put(String.format("f%03d.bin", i), b);
    }
    Scenes.put(local, "scenes/s/assets/", files);
    total = files.values().stream().mapToLong(b -> b.length).sum();
  }

  private Verifier verifier(Duration budget) {
    return new Verifier(store, 1, new SimpleMeterRegistry())
        .withLedger(ledger)
        .withBudget(VerifyBudget.of(budget, clock));
  }

  /** Redelivers (a fresh budget each time) until a verdict; counts the rounds cut off. */
  private record Run(VerificationReport report, int redeliveries) {}

  private Run untilDecided(Duration budget, int maxRounds) throws Exception {
    for (int round = 0; round < maxRounds; round++) {
      try {
        return new Run(verifier(budget).verify(MANIFEST, false), round);
      } catch (VerifyBudgetExhaustedException e) {
        assertTrue(e.filesLeft() > 0);
      }
    }
    throw new AssertionError("no verdict after " + maxRounds + " rounds");
  }

  @Test
  void aBudgetThatForcesManyRoundsConverges() throws Exception {
    scene(40, Map.of());

    Run run = untilDecided(Duration.ofNanos(3 * FILE_BYTES + FILE_BYTES / 2), 100);

    assertTrue(run.report().ok(), run.report().toString());
    assertTrue(run.redeliveries() >= 8, "rounds: " + run.redeliveries());
    // Every file finished was recorded and never read again; only the file cut off at the end
    // of each round was read twice (in part).
    assertTrue(
        clock.nanos() <= total + (long) run.redeliveries() * FILE_BYTES,
        "read " + clock.nanos() + " of " + total);
    assertEquals(total, run.report().bytesHashed() + run.report().bytesReused());
  }

  @Test
  void aCorruptedFileIsStillFoundAcrossRounds() throws Exception {
    scene(40, Map.of());
    byte[] bad = local.readSmall("scenes/s/assets/f023.bin", 0, FILE_BYTES);
    bad[500] ^= 0x11;
    local.write("scenes/s/assets/f023.bin", bad, null, Map.of(), Precondition.none());

    Run run = untilDecided(Duration.ofNanos(5 * FILE_BYTES), 100);

    assertFalse(run.report().ok());
    assertEquals(1, run.report().failures().size(), run.report().toString());
    assertEquals("f023.bin", run.report().failures().get(0).path());
    assertEquals(Outcome.SHA256_MISMATCH, run.report().failures().get(0).kind());
  }

  @Test
  void aSingleObjectTooLargeForTheBudgetIsReportedNotLoopedOn() throws Exception {
    // Larger than a hashing chunk many times over, so the cut comes mid-read.
    int hugeBytes = 40 * Sha256.BUFFER_BYTES;
    scene(5, Map.of("huge.usd", new byte[hugeBytes]));

    VerifyBudgetTooSmallException e =
        assertThrows(
            VerifyBudgetTooSmallException.class,
            () -> untilDecided(Duration.ofNanos(10 * FILE_BYTES), 5));

    assertEquals(1, e.files().size());
    OversizedFile huge = e.files().get(0);
    assertEquals("huge.usd", huge.path());
    assertEquals(hugeBytes, huge.sizeBytes());
    assertTrue(huge.bytesRead() > 0 && huge.bytesRead() < huge.sizeBytes(), huge.toString());
  }

  @Test
  void withoutALedgerACutWithNothingCarriedOverIsReportedToo() throws Exception {
    scene(1, Map.of("big.bin", new byte[8 * Sha256.BUFFER_BYTES]));
    Verifier plain =
        new Verifier(store, 1, new SimpleMeterRegistry())
            .withBudget(VerifyBudget.of(Duration.ofNanos(6 * Sha256.BUFFER_BYTES), clock));

    // big.bin is cut off after most of the budget was spent on it: nothing would carry over to
    // a redelivery, which would be cut off the same way: reported, not retried.
    VerifyBudgetTooSmallException e =
        assertThrows(VerifyBudgetTooSmallException.class, () -> plain.verify(MANIFEST, false));
    assertEquals("big.bin", e.files().get(0).path());
  }

  @Test
  void anUnlimitedBudgetNeverCuts() throws Exception {
    scene(10, Map.of());
    VerificationReport report =
        new Verifier(store, 1, new SimpleMeterRegistry())
            .withLedger(ledger)
            .withBudget(VerifyBudget.unlimited())
            .verify(MANIFEST, false);
    assertTrue(report.ok());
    assertEquals(total, report.bytesHashed());
  }

  @Test
  void budgetFromTheEnvironment() {
    assertEquals(Duration.ofMinutes(5), VerifyBudget.fromEnv(Map.of("VERIFY_BUDGET", "PT5M")));
    assertEquals(Duration.ofSeconds(90), VerifyBudget.fromEnv(Map.of("VERIFY_BUDGET", "90")));
    assertEquals(
        Duration.ofSeconds(240), VerifyBudget.fromEnv(Map.of("FUNCTION_TIMEOUT_SEC", "300")));
    assertEquals(Duration.ofSeconds(480), VerifyBudget.fromEnv(Map.of()));
    assertEquals(null, VerifyBudget.givenInEnv(Map.of("FUNCTION_TIMEOUT_SEC", "300")));
    assertThrows(
        IllegalArgumentException.class, () -> VerifyBudget.fromEnv(Map.of("VERIFY_BUDGET", "5m")));
    assertThrows(
        IllegalArgumentException.class, () -> VerifyBudget.fromEnv(Map.of("VERIFY_BUDGET", "0")));
  }
}
