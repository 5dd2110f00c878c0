package dev.scenegate.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.logging.JsonLog;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.testing.ForwardingObjectStore;
import dev.scenegate.testing.RecordingPublisher;
import dev.scenegate.verify.Sha256;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a stopped or retried task leaves behind: SIGTERM with a large object in flight (issue 13,
 * item 4) and a Cloud Run retry after drift (issue 18, defect 5).
 */
class BackfillStopAndRetryTest {
  private static final Instant NOW = Instant.parse("2026-05-20T02:30:00Z");
  private static final String A = "scenes/kitchen_001/assets/a.bin";
  private static final String B = "scenes/kitchen_001/assets/b.bin";
  private static final String BIG = "scenes/kitchen_001/assets/c_big.bin";
  private static final String D = "scenes/kitchen_001/assets/d.bin";
  private static final String IMAGE = "scenes/kitchen_001/source_image.png";

  @TempDir Path root;
  private LocalObjectStore local;
  private InstrumentedStore store;
  private final RecordingPublisher alerts = new RecordingPublisher();

  @BeforeEach
  void setUp() throws IOException {
    local = new LocalObjectStore(root);
    store = new InstrumentedStore(local);
    JsonLog.redirect(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    for (String name : List.of(A, B, D, IMAGE)) {
      file(name, BackfillEngineTest.bytes(1000, name.hashCode()));
    }
    file(BIG, BackfillEngineTest.bytes(4 * Sha256.BUFFER_BYTES, 7));
  }

  @AfterEach
  void restoreLog() {
    JsonLog.redirect(System.err);
  }

  @Test
  void sigtermWithALargeObjectInFlightCheckpointsWhatIsDoneWithoutWaitingForIt() throws Exception {
    AtomicBoolean terminated = new AtomicBoolean();
    CountDownLatch never = new CountDownLatch(1);
    // The large read delivers its first chunk, then SIGTERM arrives and the read stalls.
    ObjectStore stalling =
        new ForwardingObjectStore(store) {
          @Override
          public InputStream open(String name, long generation) throws IOException {
            InputStream in = store.open(name, generation);
            if (!name.equals(BIG)) {
              return in;
            }
            return new FilterInputStream(in) {
              private boolean first = true;

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                if (first) {
                  first = false;
                  return super.read(b, off, len);
                }
                terminated.set(true);
                try {
                  never.await(); // a stalled download; only an interrupt ends it
                } catch (InterruptedException e) {
                  throw new InterruptedIOException("interrupted");
                }
                return -1;
              }
            };
          }
        };

    BackfillSummary stopped =
        engine(stalling, BackfillConfig.of(1))
            .run(BackfillListener.none(), terminated::get, terminated::get);

    assertFalse(stopped.complete());
    assertEquals(2, stopped.total().scanned(), "a and b are done; the large one is not");
    Checkpoint saved = checkpoints(store).read().orElseThrow();
    assertFalse(saved.complete());
    assertEquals(Position.of(ArtifactType.ASSET, B), saved.position());
    assertEquals(List.of(), saved.doneBeyond());
    assertNull(local.stat(BIG).orElseThrow().metadata().get("sha256"), "nothing recorded");

    store.opens.clear();
    BackfillSummary resumed = engine(store, BackfillConfig.of(1)).run(BackfillListener.none());

    assertTrue(resumed.complete());
    assertEquals(5, resumed.total().scanned());
    assertEquals(5, resumed.total().updated());
    assertEquals(1, store.opens.get(BIG).get(), "the resumed run reads the large one");
    assertFalse(store.opens.containsKey(A), "what was done is not read again");
    assertEquals(
        Sha256.hex(Files.readAllBytes(root.resolve(BIG))),
        local.stat(BIG).orElseThrow().metadata().get("sha256"));
  }

  @Test
  void aRetriedAttemptOfTheSameExecutionStillReportsTheDrift() throws Exception {
    ObjectInfo before = local.stat(A).orElseThrow();
    local.updateMetadata(
        A,
        RecordedHash.metadataFor(
            "ab".repeat(32), 1000, before.generation() - 1, "2025-01-01T00:00:00Z"),
        before.metageneration());
    BackfillConfig attempt = BackfillConfig.of(1).withExecution("backfill-abc12");

    BackfillSummary first = engine(store, attempt).run(BackfillListener.none());
    assertEquals(1, first.total().driftEvents());
    assertTrue(first.hasFindings());
    assertEquals(1, alerts.confirmed().size());
    long opened = store.opens.values().stream().mapToLong(c -> c.get()).sum();

    // Cloud Run retries the task that exited 1: the drift is already recorded in the metadata,
    // yet the retry reports it again instead of passing.
    BackfillSummary retry = engine(store, attempt).run(BackfillListener.none());
    assertTrue(retry.complete());
    assertEquals(5, retry.total().alreadyCurrent(), "checked again, nothing read");
    assertEquals(1, retry.total().driftEvents());
    assertEquals(A, retry.drift().get(0).object());
    assertTrue(retry.hasFindings());
    assertEquals(0, retry.thisRunFilesHashed());
    assertEquals(opened, store.opens.values().stream().mapToLong(c -> c.get()).sum());
    assertEquals(1, alerts.confirmed().size(), "no second alert");
    // and so does every further retry
    assertEquals(1, engine(store, attempt).run(BackfillListener.none()).total().driftEvents());

    // The next execution is a new pass: the drift was reported and recorded; nothing new.
    BackfillSummary next =
        engine(store, BackfillConfig.of(1).withExecution("backfill-def34"))
            .run(BackfillListener.none());
    assertTrue(next.complete());
    assertEquals(0, next.total().driftEvents());
    assertFalse(next.hasFindings());
  }

  @Test
  void aRetryPublishesADriftAlertThatFailedBeforeAndCountsTheFindingOnce() throws Exception {
    ObjectInfo before = local.stat(A).orElseThrow();
    local.updateMetadata(A, java.util.Map.of("sha256", "00".repeat(32)), before.metageneration());
    BackfillConfig attempt = BackfillConfig.of(1).withExecution("backfill-abc12");
    alerts.failing(true);
    BackfillSummary first = engine(store, attempt).run(BackfillListener.none());
    assertEquals(1, first.total().skippedAlertFailed());

    alerts.failing(false);
    BackfillSummary retry = engine(store, attempt).run(BackfillListener.none());

    assertEquals(1, retry.total().driftEvents());
    assertEquals(1, retry.drift().size());
    assertEquals(0, retry.total().skippedAlertFailed());
    assertEquals(1, alerts.confirmed().size());
  }

  @Test
  void withoutAnExecutionACompletedCheckpointStartsANewPassAsBefore() throws Exception {
    engine(store, BackfillConfig.of(1)).run(BackfillListener.none());
    BackfillSummary again = engine(store, BackfillConfig.of(1)).run(BackfillListener.none());
    assertTrue(again.complete());
    assertNull(again.resumedFrom());
    assertEquals(5, again.total().alreadyCurrent());
  }

  @Test
  void driftIsCheckpointedAsSoonAsItIsFound() throws Exception {
    ObjectInfo before = local.stat(A).orElseThrow();
    local.updateMetadata(
        A,
        RecordedHash.metadataFor(
            "ab".repeat(32), 1000, before.generation() - 1, "2025-01-01T00:00:00Z"),
        before.metageneration());
    // No periodic checkpoint is due for a long time.
    BackfillConfig config =
        BackfillConfig.of(1)
            .withExecution("backfill-abc12")
            .withCheckpointEvery(1_000, java.time.Duration.ofHours(1));
    RecordingCheckpointStore recording = new RecordingCheckpointStore(checkpoints(store));
    List<Checkpoint> written = recording.written;
    BackfillEngine engine =
        new BackfillEngine(
            store,
            alerts,
            new SimpleMeterRegistry(),
            Clock.fixed(NOW, ZoneOffset.UTC),
            RateLimiter.unlimited(),
            config,
            recording);
    // The process dies right after the drifted object (the first one) is done.
    BackfillListener dies =
        new BackfillListener() {
          @Override
          public void finished(Artifact artifact, String outcome) {
            if (!artifact.name().equals(A)) {
              throw new IllegalStateException("killed");
            }
          }
        };
    assertThrows(IllegalStateException.class, () -> engine.run(dies));
    assertEquals(1, written.size());
    Checkpoint first = written.get(0);
    assertFalse(first.complete());
    assertEquals(1, first.tally().total().driftEvents());
    assertEquals("backfill-abc12", first.execution());
  }

  private BackfillEngine engine(ObjectStore via, BackfillConfig config) {
    return new BackfillEngine(
        via,
        alerts,
        new SimpleMeterRegistry(),
        Clock.fixed(NOW, ZoneOffset.UTC),
        RateLimiter.unlimited(),
        config,
        checkpoints(via));
  }

  private static CheckpointStore checkpoints(ObjectStore via) {
    return new ObjectCheckpointStore(via, Checkpoint.objectName(Shard.all()));
  }

  private void file(String name, byte[] data) throws IOException {
    Path file = root.resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, data);
  }
}
