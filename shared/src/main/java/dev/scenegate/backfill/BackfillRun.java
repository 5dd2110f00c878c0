package dev.scenegate.backfill;

import dev.scenegate.logging.JsonLog;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.verify.Sha256;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One execution of a backfill task: where to start (a fresh pass, the checkpoint's resume point, or
 * a new pass that keeps the drift an earlier attempt of this execution found), the scheduling of
 * objects onto the hashing threads in processing order, and the checkpoints. Only its coordinating
 * thread touches the {@link Tally}.
 */
final class BackfillRun {
  private static final JsonLog LOG = JsonLog.get(BackfillEngine.class);

  /** How often the coordinator looks at the abandon signal while waiting for a result. */
  private static final long ABANDON_CHECK_MILLIS = 50;

  private final ObjectStore store;
  private final BackfillConfig config;
  private final CheckpointStore checkpoints;
  private final Clock clock;
  private final BackfillMeters meters;
  private final BackfillListener listener;
  private final BooleanSupplier stopRequested;
  private final BooleanSupplier abandonRequested;

  /** Builds the per-object part once the folders' manifests are known. */
  private final Function<FolderManifests, ObjectHasher> hashers;

  private final LedgerBatch digests;

  private final long startedNanos = System.nanoTime();
  private final String target;
  private final List<ArtifactType> types;

  private Tally tally;
  private Position resumedFrom;
  private String startedAt;

  BackfillRun(
      ObjectStore store,
      BackfillConfig config,
      CheckpointStore checkpoints,
      Clock clock,
      BackfillMeters meters,
      BackfillListener listener,
      BooleanSupplier stopRequested,
      BooleanSupplier abandonRequested,
      LedgerBatch digests,
      Function<FolderManifests, ObjectHasher> hashers) {
    this.digests = digests;
    this.store = store;
    this.config = config;
    this.checkpoints = checkpoints;
    this.clock = clock;
    this.meters = meters;
    this.listener = listener;
    this.stopRequested = () -> stopRequested.getAsBoolean() || abandonRequested.getAsBoolean();
    this.abandonRequested = abandonRequested;
    this.hashers = hashers;
    this.target = store.describe(BackfillScope.SCENES_PREFIX);
    this.types = config.orderedTypes();
  }

  BackfillSummary execute() throws IOException {
    Set<String> doneBeyond = new HashSet<>();
    Optional<Checkpoint> previous = checkpoints.read();
    if (previous.isPresent()
        && !config.restart()
        && previous.get().resumableBy(target, types, config.shard())) {
      Checkpoint checkpoint = previous.get();
      tally = checkpoint.tally();
      resumedFrom = checkpoint.position();
      doneBeyond.addAll(checkpoint.doneBeyond());
      startedAt = checkpoint.startedAt();
      LOG.notice(
          "backfill resuming from checkpoint",
          "checkpoint",
          checkpoints.describe(),
          "position",
          resumedFrom == null ? null : resumedFrom.name(),
          "task_index",
          config.shard().index());
    } else if (previous.isPresent() && finishedInThisExecution(previous.get())) {
      tally = Tally.withDriftOf(previous.get().tally());
      startedAt = BackfillEngine.now(clock).toString();
      LOG.notice(
          "this task already finished in this execution; checking again, and the drift that"
              + " attempt found stays reported",
          "checkpoint",
          checkpoints.describe(),
          "execution",
          config.execution(),
          "drift_events",
          tally.total().driftEvents(),
          "task_index",
          config.shard().index());
    } else {
      tally = new Tally();
      startedAt = BackfillEngine.now(clock).toString();
    }

    BackfillScope scope =
        BackfillScope.of(store.list(BackfillScope.SCENES_PREFIX), config.types(), config.shard());
    for (String ignored : scope.ignoredScenes()) {
      LOG.warn(
          "folder under scenes/ is not a valid scene id; left alone",
          "object",
          BackfillScope.SCENES_PREFIX + ignored + "/");
    }
    List<Artifact> all = scope.artifacts();
    boolean[] done = plan(all, doneBeyond);
    FolderManifests manifests = new FolderManifests(store, scope, config.dryRun(), clock, meters);
    ObjectHasher hasher = hashers.apply(manifests);
    int watermark = schedule(all, done, manifests, hasher);

    boolean complete = watermark == all.size() - 1;
    writeCheckpoint(all, done, watermark, complete);
    long durationMs = (System.nanoTime() - startedNanos) / 1_000_000;
    meters.runEnded(complete, durationMs);
    return BackfillSummary.of(
        target,
        config.dryRun(),
        complete,
        resumedFrom,
        config.shard(),
        types,
        tally,
        hasher.filesHashed(),
        hasher.bytesHashed(),
        hasher.bytesReused(),
        durationMs);
  }

  /**
   * A retried attempt of a task that already finished in this execution (Cloud Run retries a task
   * that exited 1, e.g. on drift): a plain new pass would find the drift already recorded and pass,
   * erasing the finding. So the new pass starts with that drift in its totals (and so exits 1
   * again), while what could not be read is tried again.
   */
  private boolean finishedInThisExecution(Checkpoint checkpoint) {
    return checkpoint.complete()
        && !config.restart()
        && config.execution() != null
        && config.execution().equals(checkpoint.execution())
        && checkpoint.target().equals(target)
        && checkpoint.types().equals(types)
        && checkpoint.shard().equals(config.shard());
  }

  /** Marks what earlier runs did; tells the listener what this run will do. */
  private boolean[] plan(List<Artifact> all, Set<String> doneBeyond) {
    boolean[] done = new boolean[all.size()];
    long pending = 0;
    long filesToHash = 0;
    long bytesToHash = 0;
    for (int i = 0; i < all.size(); i++) {
      Artifact a = all.get(i);
      done[i] =
          (resumedFrom != null && a.position().compareTo(resumedFrom) <= 0)
              || doneBeyond.contains(a.name());
      if (!done[i]) {
        pending++;
        boolean current =
            RecordedHash.from(a.info().metadata()).map(r -> r.currentFor(a.info())).orElse(false);
        if (!current) {
          filesToHash++;
          bytesToHash += a.info().size();
        }
      }
    }
    listener.planned(pending, filesToHash, bytesToHash);
    return done;
  }

  /**
   * Hands the objects not yet done to the hashing threads (at most two per thread queued), folds
   * each result in as it comes, completes each folder when its last object is done, and writes
   * checkpoints on the way. A stop starts nothing new and waits for what is in flight; an abandon
   * waits for nothing. Returns the watermark: the last index up to which everything is done.
   */
  private int schedule(
      List<Artifact> all, boolean[] done, FolderManifests manifests, ObjectHasher hasher)
      throws IOException {
    int n = all.size();
    List<FolderManifests.Folder> folders = FolderManifests.folders(all);
    int[] folderOf = new int[n];
    int[] remaining = new int[folders.size()];
    for (int f = 0; f < folders.size(); f++) {
      FolderManifests.Folder folder = folders.get(f);
      for (int i = folder.from(); i <= folder.to(); i++) {
        folderOf[i] = f;
        if (!done[i]) {
          remaining[f]++;
        }
      }
    }
    ObjectResult[] results = new ObjectResult[n];
    int watermark = advance(done, -1);
    int sinceCheckpoint = 0;
    long lastCheckpointMillis = clock.millis();
    BlockingQueue<Integer> finished = new LinkedBlockingQueue<>();
    ExecutorService pool = newPool();
    ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[Sha256.BUFFER_BYTES]);
    int next = 0;
    int inFlight = 0;
    boolean stopping = false;
    try {
      while (true) {
        while (!stopping && inFlight < config.threads() * 2 && next < n) {
          if (stopRequested.getAsBoolean()) {
            stopping = true;
            break;
          }
          int i = next++;
          if (done[i]) {
            continue;
          }
          inFlight++;
          pool.execute(
              () -> {
                try {
                  results[i] =
                      stopRequested.getAsBoolean()
                          ? ObjectResult.notStarted(all.get(i))
                          : hasher.processSafely(all.get(i), buffers.get());
                } finally {
                  finished.add(i);
                }
              });
        }
        if (inFlight == 0) {
          break;
        }
        Integer taken = take(finished);
        if (taken == null) {
          // Abandoned: what is still in flight is not done; the next run does it again.
          stopping = true;
          break;
        }
        int i = taken;
        inFlight--;
        ObjectResult result = results[i];
        if (result.outcome() == ObjectResult.Outcome.NOT_STARTED) {
          stopping = true;
          continue;
        }
        done[i] = true;
        fold(result);
        listener.finished(result.artifact(), result.outcome().wire);
        int f = folderOf[i];
        if (--remaining[f] == 0) {
          manifests.complete(folders.get(f), all, results, tally);
        }
        watermark = advance(done, watermark);
        sinceCheckpoint++;
        long nowMillis = clock.millis();
        // Drift is checkpointed at once: a crash right after it must not lose the finding.
        if (result.drift() != null
            || sinceCheckpoint >= config.checkpointEvery()
            || nowMillis - lastCheckpointMillis >= config.checkpointInterval().toMillis()) {
          writeCheckpoint(all, done, watermark, false);
          sinceCheckpoint = 0;
          lastCheckpointMillis = nowMillis;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return watermark;
  }

  private static int advance(boolean[] done, int watermark) {
    while (watermark + 1 < done.length && done[watermark + 1]) {
      watermark++;
    }
    return watermark;
  }

  private ExecutorService newPool() {
    AtomicInteger number = new AtomicInteger();
    return Executors.newFixedThreadPool(
        config.threads(),
        r -> {
          Thread t = new Thread(r, "scenegate-backfill-" + number.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** The next finished index, or null once the run is to abandon what is in flight. */
  private Integer take(BlockingQueue<Integer> finished) throws InterruptedIOException {
    try {
      while (true) {
        if (abandonRequested.getAsBoolean()) {
          // Results already in are kept; the rest are abandoned.
          return finished.poll();
        }
        Integer i = finished.poll(ABANDON_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        if (i != null) {
          return i;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("backfill interrupted");
    }
  }

  private void fold(ObjectResult result) {
    Artifact a = result.artifact();
    // The same finding again (its alert failed before, in an attempt whose drift is carried over)
    // is one drift event, not two.
    boolean repeated = result.drift() != null && tally.hasDrift(result.drift().alertId());
    tally.add(a.type(), repeated ? result.counts().withDriftEvents(0) : result.counts());
    if (result.drift() != null && !repeated) {
      tally.drift.add(result.drift());
    }
    if (result.outcome().skipped()) {
      tally.skipped.add(Skipped.of(a, result.outcome().wire, result.detail()));
    }
    meters.objectFinished(a.type(), result.outcome().wire, result.drift() != null);
  }

  private void writeCheckpoint(List<Artifact> all, boolean[] done, int watermark, boolean complete)
      throws IOException {
    if (config.dryRun()) {
      return;
    }
    // The ledger first: a checkpoint never says done for a hash the ledger was not offered.
    digests.flush();
    Position position = resumedFrom;
    if (watermark >= 0) {
      Position reached = all.get(watermark).position();
      if (position == null || reached.compareTo(position) > 0) {
        position = reached;
      }
    }
    List<String> beyond = new ArrayList<>();
    for (int i = watermark + 1; i < all.size(); i++) {
      if (done[i]) {
        beyond.add(all.get(i).name());
      }
    }
    Checkpoint checkpoint =
        new Checkpoint(
            target,
            types,
            config.shard(),
            position,
            beyond,
            complete,
            startedAt,
            BackfillEngine.now(clock).toString(),
            tally,
            config.execution());
    try {
      checkpoints.write(checkpoint);
    } catch (CheckpointConflictException e) {
      throw e; // another run of this task: stop rather than race it
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      // A lost checkpoint only costs a re-check of objects that are current by now (no
      // re-hash), so a flaky write does not end a long job.
      LOG.warn(
          "checkpoint not written; continuing",
          "checkpoint",
          checkpoints.describe(),
          "error",
          BackfillEngine.describe(e));
    }
  }
}
