package dev.scenegate.backfill;

import dev.scenegate.events.EventPublisher;
import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.storage.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.BooleanSupplier;

/**
 * Records a SHA-256 for every scene asset and source image (seed 001, moved onto the bucket): the
 * hash goes into the object's custom metadata ({@link RecordedHash}), written with an
 * if-metageneration-match precondition, and a {@code source_checksums.json} is created (never
 * rewritten) for folders that have none.
 *
 * <p>The parts, each in its own file: {@link BackfillRun} (run and resume: where to start, the
 * scheduling in a deterministic order on a bounded pool, checkpoints), {@link ObjectHasher} (one
 * object: trust a current record or stream it through SHA-256 at the run's pace, record the hash),
 * {@link DriftReporter} (a recorded hash that disagrees: logged at CRITICAL and published as a
 * {@code drift} alert before it is overwritten; never suppressed), {@link FolderManifests} (read
 * existing manifests, create missing ones). Meters: {@link BackfillMeters}.
 */
public final class BackfillEngine {
  private final ObjectStore store;
  private final EventPublisher alerts;
  private final BackfillMeters meters;
  private final Clock clock;
  private final RateLimiter limiter;
  private final BackfillConfig config;
  private final CheckpointStore checkpoints;
  private final DigestLedger ledger;

  public BackfillEngine(
      ObjectStore store,
      EventPublisher alerts,
      MeterRegistry meters,
      Clock clock,
      RateLimiter limiter,
      BackfillConfig config,
      CheckpointStore checkpoints) {
    this(store, alerts, meters, clock, limiter, config, checkpoints, DigestLedger.disabled());
  }

  /**
   * Reads and writes {@code ledger} (DESIGN, "Digest ledger"): an object whose generation a
   * verification already hashed is recorded without a read, and what this run hashes a verification
   * reuses.
   */
  public BackfillEngine(
      ObjectStore store,
      EventPublisher alerts,
      MeterRegistry meters,
      Clock clock,
      RateLimiter limiter,
      BackfillConfig config,
      CheckpointStore checkpoints,
      DigestLedger ledger) {
    this.ledger = ledger;
    this.store = store;
    this.alerts = alerts;
    this.meters = BackfillMeters.boundTo(meters);
    this.clock = clock;
    this.limiter = limiter;
    this.config = config;
    this.checkpoints = config.dryRun() ? CheckpointStore.none() : checkpoints;
  }

  /** Runs to the end of this task's shard. */
  public BackfillSummary run(BackfillListener listener) throws IOException {
    return run(listener, () -> false);
  }

  /**
   * Runs until the end of the shard or until {@code stopRequested} turns true (checked before each
   * object is started; objects already being hashed are finished and recorded, then the checkpoint
   * is written and the summary says {@code complete: false}).
   */
  public BackfillSummary run(BackfillListener listener, BooleanSupplier stopRequested)
      throws IOException {
    return run(listener, stopRequested, () -> false);
  }

  /**
   * As {@link #run(BackfillListener, BooleanSupplier)}, and once {@code abandonInFlight} turns true
   * (SIGTERM: the platform kills the task seconds later) nothing more is waited for: reads in
   * flight stop at their next chunk and those objects count as not done, results already in are
   * kept, and the checkpoint of what is done is written before this returns.
   */
  public BackfillSummary run(
      BackfillListener listener, BooleanSupplier stopRequested, BooleanSupplier abandonInFlight)
      throws IOException {
    DriftReporter drifts = new DriftReporter(store, alerts, clock);
    LedgerBatch digests = new LedgerBatch(config.dryRun() ? DigestLedger.disabled() : ledger);
    return new BackfillRun(
            store,
            config,
            checkpoints,
            clock,
            meters,
            listener,
            stopRequested,
            abandonInFlight,
            digests,
            manifests ->
                new ObjectHasher(
                    store,
                    config,
                    limiter,
                    manifests,
                    drifts,
                    meters,
                    listener,
                    clock,
                    abandonInFlight,
                    digests))
        .execute();
  }

  /** Timestamps of the backfill's records: UTC, to the millisecond. */
  static Instant now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** An exception's message on one line, for logs and summaries. */
  static String describe(Throwable e) {
    String message = e.getMessage();
    String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    return text.replaceAll("[\\r\\n\\t]+", " ").strip();
  }
}
