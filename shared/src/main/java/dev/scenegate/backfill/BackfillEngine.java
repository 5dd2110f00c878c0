package dev.scenegate.backfill;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.manifest.RelativePaths;
import dev.scenegate.retry.Backoff;
import dev.scenegate.storage.ObjectContent;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.PathEscapesException;
import dev.scenegate.storage.Precondition;
import dev.scenegate.storage.PreconditionFailedException;
import dev.scenegate.storage.TransientStorageException;
import dev.scenegate.verify.Sha256;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Records a SHA-256 for every scene asset and source image (seed 001, moved onto the bucket): the
 * hash goes into the object's custom metadata ({@link RecordedHash}), written with an
 * if-metageneration-match precondition, and a {@code source_checksums.json} is created (never
 * rewritten) for folders that have none.
 *
 * <p>Objects are processed in a deterministic order (artifact type, then name) on a bounded pool,
 * each hashed as a stream through one buffer per thread and paced by a {@link RateLimiter}. An
 * object whose recorded hash is current for its generation is not read at all. When a recorded hash
 * (metadata or an existing manifest) disagrees with the content, that drift is logged at CRITICAL,
 * published as a {@code drift} alert and then overwritten in the metadata; it is never suppressed.
 * Progress is checkpointed periodically, so a killed run resumes where it stopped and no file is
 * hashed twice.
 */
public final class BackfillEngine {
  private static final JsonLog LOG = JsonLog.get(BackfillEngine.class);

  /** Drift alerts: three attempts, 100 ms then 200 ms apart (with jitter). */
  static final Backoff PUBLISH_BACKOFF =
      Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(2))
          .withJitter(0.5)
          .withMaxAttempts(3);

  /** Set by {@code gcloud storage cp/rsync} when preserving POSIX attributes: epoch seconds. */
  private static final String GCS_FILE_MTIME = "goog-reserved-file-mtime";

  private final ObjectStore store;
  private final EventPublisher alerts;
  private final MeterRegistry meters;
  private final Clock clock;
  private final RateLimiter limiter;
  private final BackfillConfig config;
  private final CheckpointStore checkpoints;

  public BackfillEngine(
      ObjectStore store,
      EventPublisher alerts,
      MeterRegistry meters,
      Clock clock,
      RateLimiter limiter,
      BackfillConfig config,
      CheckpointStore checkpoints) {
    this.store = store;
    this.alerts = alerts;
    this.meters = meters;
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
    return new Run(listener, stopRequested).execute();
  }

  /** What happened to one object in this run. */
  enum Outcome {
    UPDATED("updated"),
    CURRENT("current"),
    WOULD_UPDATE("would_update"),
    NO_FILE(Skipped.NO_FILE),
    UNREADABLE(Skipped.UNREADABLE),
    ALERT_FAILED(Skipped.ALERT_FAILED),
    /** A stop was requested before a thread picked it up: not done. */
    NOT_STARTED("not_started");

    final String wire;

    Outcome(String wire) {
      this.wire = wire;
    }
  }

  record ObjectResult(
      Artifact artifact,
      Outcome outcome,
      String sha256,
      long size,
      long filesHashed,
      long bytesHashed,
      DriftEvent drift,
      boolean knownDrift,
      String detail) {

    Counts counts() {
      return new Counts(
          1,
          outcome == Outcome.UPDATED ? 1 : 0,
          outcome == Outcome.CURRENT ? 1 : 0,
          outcome == Outcome.WOULD_UPDATE ? 1 : 0,
          drift != null ? 1 : 0,
          knownDrift ? 1 : 0,
          outcome == Outcome.NO_FILE ? 1 : 0,
          outcome == Outcome.UNREADABLE ? 1 : 0,
          outcome == Outcome.ALERT_FAILED ? 1 : 0,
          filesHashed,
          bytesHashed,
          outcome == Outcome.WOULD_UPDATE ? size : 0);
    }
  }

  /** A contiguous run of artifacts covered by one manifest (an assets folder or a scene root). */
  private record Folder(ArtifactType type, String prefix, String sceneId, int from, int to) {}

  /** An existing manifest as far as drift checks are concerned. */
  private record ManifestLookup(String object, ChecksumManifest manifest, String problem) {
    static final ManifestLookup NONE = new ManifestLookup(null, null, null);

    Optional<ManifestEntry> entry(String relativePath) {
      return manifest == null
          ? Optional.empty()
          : Optional.ofNullable(manifest.byPath().get(relativePath));
    }
  }

  /** One execution: owns the mutable state of a run. */
  private final class Run {
    private final BackfillListener listener;
    private final BooleanSupplier stopRequested;
    private final Map<String, ManifestLookup> manifests = new ConcurrentHashMap<>();
    private final AtomicLong runBytes = new AtomicLong();
    private final AtomicLong runFiles = new AtomicLong();
    private final long startedNanos = System.nanoTime();
    private final String target = store.describe(BackfillScope.SCENES_PREFIX);
    private final List<ArtifactType> types = config.orderedTypes();

    private BackfillScope scope;
    private Tally tally;
    private Position resumedFrom;
    private String startedAt;

    Run(BackfillListener listener, BooleanSupplier stopRequested) {
      this.listener = listener;
      this.stopRequested = stopRequested;
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
      } else {
        tally = new Tally();
        startedAt = now().toString();
      }

      scope =
          BackfillScope.of(store.list(BackfillScope.SCENES_PREFIX), config.types(), config.shard());
      for (String ignored : scope.ignoredScenes()) {
        LOG.warn(
            "folder under scenes/ is not a valid scene id; left alone",
            "object",
            BackfillScope.SCENES_PREFIX + ignored + "/");
      }
      List<Artifact> all = scope.artifacts();
      int n = all.size();
      boolean[] doneBefore = new boolean[n];
      long pending = 0;
      long filesToHash = 0;
      long bytesToHash = 0;
      for (int i = 0; i < n; i++) {
        Artifact a = all.get(i);
        doneBefore[i] =
            (resumedFrom != null && a.position().compareTo(resumedFrom) <= 0)
                || doneBeyond.contains(a.name());
        if (!doneBefore[i]) {
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

      List<Folder> folders = folders(all);
      int[] folderOf = new int[n];
      int[] remaining = new int[folders.size()];
      for (int f = 0; f < folders.size(); f++) {
        Folder folder = folders.get(f);
        for (int i = folder.from(); i <= folder.to(); i++) {
          folderOf[i] = f;
          if (!doneBefore[i]) {
            remaining[f]++;
          }
        }
      }

      ObjectResult[] results = new ObjectResult[n];
      boolean[] done = doneBefore.clone();
      int watermark = -1;
      while (watermark + 1 < n && done[watermark + 1]) {
        watermark++;
      }
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
                            ? result(all.get(i), Outcome.NOT_STARTED)
                            : processSafely(all.get(i), buffers.get());
                  } finally {
                    finished.add(i);
                  }
                });
          }
          if (inFlight == 0) {
            break;
          }
          int i = take(finished);
          inFlight--;
          ObjectResult result = results[i];
          if (result.outcome() == Outcome.NOT_STARTED) {
            stopping = true;
            continue;
          }
          done[i] = true;
          fold(result);
          listener.finished(result.artifact(), result.outcome().wire);
          int f = folderOf[i];
          if (--remaining[f] == 0) {
            completeFolder(folders.get(f), all, results);
          }
          while (watermark + 1 < n && done[watermark + 1]) {
            watermark++;
          }
          sinceCheckpoint++;
          long nowMillis = clock.millis();
          if (sinceCheckpoint >= config.checkpointEvery()
              || nowMillis - lastCheckpointMillis >= config.checkpointInterval().toMillis()) {
            writeCheckpoint(all, done, watermark, false);
            sinceCheckpoint = 0;
            lastCheckpointMillis = nowMillis;
          }
        }
      } finally {
        pool.shutdownNow();
      }
      boolean complete = watermark == n - 1;
      writeCheckpoint(all, done, watermark, complete);
      long durationMs = (System.nanoTime() - startedNanos) / 1_000_000;
      BackfillSummary summary =
          BackfillSummary.of(
              target,
              config.dryRun(),
              complete,
              resumedFrom,
              config.shard(),
              types,
              tally,
              runFiles.get(),
              runBytes.get(),
              durationMs);
      Timer.builder("scenegate.backfill.duration")
          .description("Time of one backfill run")
          .tag("complete", Boolean.toString(complete))
          .register(meters)
          .record(durationMs, TimeUnit.MILLISECONDS);
      return summary;
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

    private int take(BlockingQueue<Integer> finished) throws InterruptedIOException {
      try {
        return finished.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("backfill interrupted");
      }
    }

    private void fold(ObjectResult result) {
      Artifact a = result.artifact();
      tally.add(a.type(), result.counts());
      if (result.drift() != null) {
        tally.drift.add(result.drift());
      }
      switch (result.outcome()) {
        case NO_FILE, UNREADABLE, ALERT_FAILED ->
            tally.skipped.add(Skipped.of(a, result.outcome().wire, result.detail()));
        default -> {}
      }
      Counter.builder("scenegate.backfill.objects")
          .description("Objects looked at by the backfill, by outcome")
          .tag("type", a.type().wireName())
          .tag("outcome", result.outcome().wire)
          .register(meters)
          .increment();
      if (result.drift() != null) {
        Counter.builder("scenegate.backfill.drift")
            .description("Recorded hashes found to disagree with the content")
            .tag("type", a.type().wireName())
            .register(meters)
            .increment();
      }
    }

    private void writeCheckpoint(
        List<Artifact> all, boolean[] done, int watermark, boolean complete) throws IOException {
      if (config.dryRun()) {
        return;
      }
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
              now().toString(),
              tally);
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
            describe(e));
      }
    }

    // ---- one object ----

    private ObjectResult processSafely(Artifact artifact, byte[] buffer) {
      try {
        return process(artifact, buffer);
      } catch (InterruptedIOException e) {
        Thread.currentThread().interrupt();
        return result(artifact, Outcome.UNREADABLE, "interrupted");
      } catch (IOException | RuntimeException e) {
        LOG.error(
            "backfill could not process object",
            e,
            "object",
            artifact.name(),
            "scene_id",
            artifact.sceneId());
        return result(artifact, Outcome.UNREADABLE, describe(e));
      }
    }

    private ObjectResult process(Artifact artifact, byte[] buffer) throws IOException {
      ObjectInfo info = artifact.info();
      String name = artifact.name();
      long bytesHashed = 0;
      long filesHashed = 0;
      String digest = null;
      long digestGeneration = -1;
      String publishedAlert = null;
      String strayDigest = null; // our own record that landed on a newer generation
      String lastProblem = null;
      for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
        Optional<RecordedHash> recorded = RecordedHash.from(info.metadata());
        Optional<ManifestEntry> entry = manifestOf(artifact).entry(artifact.relativePath());
        boolean hashKnown = digest != null && digestGeneration == info.generation();
        if (!hashKnown && recorded.isPresent() && recorded.get().currentFor(info)) {
          // Recorded for exactly this generation: trusted without a read, unless an existing
          // manifest disagrees with it in a way no earlier run reported; then reading settles it.
          RecordedHash current = recorded.get();
          String sha = current.sha256();
          if (entry.isEmpty() || entry.get().sha256().equals(sha)) {
            return hashed(artifact, Outcome.CURRENT, sha, info.size(), filesHashed, bytesHashed);
          }
          if (current.driftedFrom().contains(entry.get().sha256())) {
            // Reported by an earlier run; shown in the summary, not alerted again.
            return new ObjectResult(
                artifact,
                Outcome.CURRENT,
                sha,
                info.size(),
                filesHashed,
                bytesHashed,
                null,
                true,
                null);
          }
        }
        if (config.dryRun()) {
          return new ObjectResult(
              artifact, Outcome.WOULD_UPDATE, null, info.size(), 0, 0, null, false, null);
        }
        if (!hashKnown) {
          try {
            store.checkContained(artifact.folder(), name);
          } catch (PathEscapesException e) {
            return result(artifact, Outcome.UNREADABLE, e.getMessage());
          }
          long read;
          try (InputStream in = store.open(name, info.generation())) {
            Sha256.Digest d = hash(artifact, in, buffer);
            read = d.bytes();
            digest = d.hex();
            digestGeneration = info.generation();
          } catch (NoSuchFileException e) {
            // Deleted or replaced since it was listed: look again.
            Optional<ObjectInfo> fresh = store.stat(name);
            if (fresh.isEmpty()) {
              return noFile(artifact, filesHashed, bytesHashed);
            }
            info = fresh.get();
            lastProblem = "object kept changing while being read";
            continue;
          } catch (TransientStorageException e) {
            LOG.warn(
                "transient fault reading object; retrying",
                "object",
                name,
                "generation",
                Long.toString(info.generation()),
                "error",
                e.getMessage(),
                "attempt",
                attempt);
            lastProblem = "transient read fault: " + e.getMessage();
            continue;
          } catch (InterruptedIOException e) {
            throw e;
          } catch (IOException e) {
            return result(artifact, Outcome.UNREADABLE, describe(e));
          }
          filesHashed++;
          bytesHashed += read;
          runFiles.incrementAndGet();
          if (read != info.size()) {
            // The content is not what was listed (a local file rewritten in place).
            Optional<ObjectInfo> fresh = store.stat(name);
            if (fresh.isEmpty()) {
              return noFile(artifact, filesHashed, bytesHashed);
            }
            lastProblem = "read " + read + " bytes of an object listed as " + info.size();
            digest = null;
            info = fresh.get();
            continue;
          }
        }
        String actual = digest;
        String ours = strayDigest;
        String metadataOld =
            recorded
                .filter(r -> !r.sha256().equals(actual) && !r.sha256().equals(ours))
                .map(RecordedHash::shown)
                .orElse(null);
        String manifestOld =
            entry.map(ManifestEntry::sha256).filter(s -> !s.equals(actual)).orElse(null);
        DriftEvent drift = null;
        if (metadataOld != null || manifestOld != null) {
          drift = drift(artifact, info, digest, metadataOld, manifestOld);
          if (!drift.alertId().equals(publishedAlert)) {
            Optional<String> failure = report(drift);
            if (failure.isPresent()) {
              return alertFailed(artifact, drift, filesHashed, bytesHashed, failure.get());
            }
            publishedAlert = drift.alertId();
          }
        }
        Map<String, String> update =
            RecordedHash.metadataFor(digest, info.size(), info.generation(), now().toString());
        if (drift != null) {
          List<String> olds = new ArrayList<>();
          if (metadataOld != null) {
            olds.add(metadataOld);
          }
          if (manifestOld != null) {
            olds.add(manifestOld);
          }
          List<String> earlier = recorded.map(RecordedHash::driftedFrom).orElse(List.of());
          String driftedFrom = RecordedHash.mergeDriftedFrom(earlier, olds);
          if (!driftedFrom.isEmpty()) {
            update.put(RecordedHash.DRIFTED_FROM, driftedFrom);
          }
          update.put(RecordedHash.DRIFT_DETECTED_AT, now().toString());
        }
        ObjectInfo written;
        try {
          written = store.updateMetadata(name, update, info.metageneration());
        } catch (PreconditionFailedException e) {
          // Someone else changed the metadata or the object: look again; the hash is reused when
          // the generation is unchanged.
          Optional<ObjectInfo> fresh = store.stat(name);
          if (fresh.isEmpty()) {
            return noFile(artifact, filesHashed, bytesHashed);
          }
          info = fresh.get();
          Optional<RecordedHash> theirs = RecordedHash.from(info.metadata());
          if (info.generation() == digestGeneration
              && theirs.isPresent()
              && theirs.get().currentFor(info)
              && theirs.get().sha256().equals(digest)
              && drift == null) {
            return hashed(artifact, Outcome.CURRENT, digest, info.size(), filesHashed, bytesHashed);
          }
          lastProblem = "metadata kept changing";
          continue;
        } catch (NoSuchFileException e) {
          return noFile(artifact, filesHashed, bytesHashed);
        }
        if (written.generation() != digestGeneration) {
          // A metageneration precondition alone cannot see a replaced object (a new generation
          // starts again at metageneration 1): the record landed on content it does not describe.
          // Its sha256-generation says so, so it is never taken as current; hash the new content.
          info = written;
          strayDigest = digest;
          lastProblem = "object replaced while its hash was being recorded";
          continue;
        }
        return new ObjectResult(
            artifact,
            Outcome.UPDATED,
            digest,
            info.size(),
            filesHashed,
            bytesHashed,
            drift,
            false,
            null);
      }
      return new ObjectResult(
          artifact,
          Outcome.UNREADABLE,
          null,
          info.size(),
          filesHashed,
          bytesHashed,
          null,
          false,
          "gave up after " + config.maxAttempts() + " attempts: " + lastProblem);
    }

    /** Streams one object through SHA-256, paced by the rate limiter; never holds it whole. */
    private Sha256.Digest hash(Artifact artifact, InputStream in, byte[] buffer)
        throws IOException {
      long start = System.nanoTime();
      MessageDigest md = Sha256.newDigest();
      int chunk = Math.max(1, limiter.chunkBytes(buffer.length));
      long total = 0;
      int n;
      while ((n = in.read(buffer, 0, chunk)) > 0) {
        md.update(buffer, 0, n);
        total += n;
        runBytes.addAndGet(n);
        listener.hashed(n);
        limiter.acquire(n);
      }
      Counter.builder("scenegate.backfill.bytes")
          .description("Bytes hashed by the backfill")
          .baseUnit("bytes")
          .tag("type", artifact.type().wireName())
          .register(meters)
          .increment(total);
      Timer.builder("scenegate.backfill.hash.duration")
          .description("Time to hash one object")
          .tag("type", artifact.type().wireName())
          .register(meters)
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      return new Sha256.Digest(HexFormat.of().formatHex(md.digest()), total);
    }

    private ManifestLookup manifestOf(Artifact artifact) {
      return manifests.computeIfAbsent(artifact.folder(), this::loadManifest);
    }

    private ManifestLookup loadManifest(String folder) {
      ObjectInfo info = scope.manifestOf(folder);
      if (info == null) {
        return ManifestLookup.NONE;
      }
      String name = info.name();
      try {
        // The newest one: a manifest replaced since the listing is compared in its new form.
        Optional<ObjectContent> current = store.readCurrent(name, ManifestCodec.MAX_MANIFEST_BYTES);
        if (current.isEmpty()) {
          return ManifestLookup.NONE;
        }
        return new ManifestLookup(
            name, ManifestCodec.parse(current.get().bytes(), store.describe(name)), null);
      } catch (IOException | ManifestInvalidException e) {
        return invalidManifest(name, e);
      }
    }

    private ManifestLookup invalidManifest(String name, Exception e) {
      LOG.warn(
          "existing manifest cannot be used for drift checks; left as it is",
          "object",
          name,
          "error",
          describe(e));
      return new ManifestLookup(name, null, describe(e));
    }

    private DriftEvent drift(
        Artifact artifact, ObjectInfo info, String actual, String metadataOld, String manifestOld) {
      String manifest = manifestOld == null ? null : manifestOf(artifact).object();
      String alertId =
          Sha256.hex(
                  String.join(
                          "\n",
                          "drift",
                          store.bucket() + "/" + info.name() + "#" + info.generation(),
                          actual,
                          String.valueOf(metadataOld),
                          String.valueOf(manifestOld))
                      .getBytes(StandardCharsets.UTF_8))
              .substring(0, 32);
      return new DriftEvent(
          info.name(),
          artifact.type(),
          info.generation(),
          info.updated() == null ? null : info.updated().toString(),
          mtime(info),
          actual,
          info.size(),
          metadataOld,
          manifest,
          manifestOld,
          alertId);
    }

    /** Logs the drift loudly and publishes the alert; returns why publishing failed, if it did. */
    private Optional<String> report(DriftEvent drift) throws InterruptedIOException {
      String old = drift.metadataSha256() != null ? drift.metadataSha256() : drift.manifestSha256();
      LOG.critical(
          "sha256 drift: a recorded hash disagrees with the object's content; recording the new"
              + " hash",
          "object",
          store.describe(drift.object()),
          "scene_id",
          sceneOf(drift.object()),
          "artifact_type",
          drift.type().wireName(),
          "old_sha256",
          old,
          "new_sha256",
          drift.actualSha256(),
          "metadata_sha256",
          drift.metadataSha256(),
          "manifest",
          drift.manifest(),
          "manifest_sha256",
          drift.manifestSha256(),
          "generation",
          Long.toString(drift.generation()),
          "updated",
          drift.updated(),
          "mtime",
          drift.mtime(),
          "size_bytes",
          drift.sizeBytes(),
          "alert_id",
          drift.alertId());
      ChecksumAlert alert = alertOf(drift);
      IOException last = null;
      for (int attempt = 1; PUBLISH_BACKOFF.allows(attempt); attempt++) {
        try {
          alerts.publish(alert.toMessage());
          return Optional.empty();
        } catch (InterruptedIOException e) {
          throw e;
        } catch (IOException e) {
          last = e;
          LOG.warn(
              "drift alert not published; retrying",
              "object",
              drift.object(),
              "alert_id",
              drift.alertId(),
              "attempt",
              attempt,
              "error",
              describe(e));
          if (PUBLISH_BACKOFF.allows(attempt + 1)) {
            PUBLISH_BACKOFF.pauseAfter(attempt);
          }
        }
      }
      LOG.error(
          "drift alert could not be published; the hash is not recorded so the next run reports"
              + " it again",
          last,
          "object",
          drift.object(),
          "alert_id",
          drift.alertId());
      return Optional.of(describe(last));
    }

    private ChecksumAlert alertOf(DriftEvent drift) {
      String folder =
          drift.type() == ArtifactType.SOURCE_IMAGE
              ? RelativePaths.parentPrefix(drift.object())
              : assetsFolderOf(drift.object());
      String path = drift.object().substring(folder.length());
      List<ChecksumAlert.Failure> failures = new ArrayList<>();
      if (drift.metadataSha256() != null) {
        failures.add(
            new ChecksumAlert.Failure(
                path,
                "SHA256_MISMATCH",
                drift.metadataSha256(),
                drift.actualSha256(),
                null,
                drift.sizeBytes()));
      }
      if (drift.manifestSha256() != null) {
        failures.add(
            new ChecksumAlert.Failure(
                path,
                "SHA256_MISMATCH",
                drift.manifestSha256(),
                drift.actualSha256(),
                null,
                drift.sizeBytes()));
      }
      List<String> remediation = new ArrayList<>();
      remediation.add(
          "Review the drift: "
              + drift.object()
              + " no longer matches its recorded SHA-256. The new hash is now recorded in its"
              + " metadata (the old one in sha256-drifted-from). If the change was not intended,"
              + " restore the object from the upstream job.");
      remediation.addAll(ChecksumAlert.REMEDIATION);
      ObjectNode extra = EventJson.MAPPER.createObjectNode();
      extra.put("source", "backfill");
      extra.put("object", drift.object());
      extra.put("artifact_type", drift.type().wireName());
      extra.put("generation", Long.toString(drift.generation()));
      extra.put("updated", drift.updated());
      extra.put("mtime", drift.mtime());
      extra.put("actual_sha256", drift.actualSha256());
      extra.put("size_bytes", drift.sizeBytes());
      extra.put("metadata_sha256", drift.metadataSha256());
      extra.put("manifest_sha256", drift.manifestSha256());
      return new ChecksumAlert(
          drift.alertId(),
          "drift",
          "critical",
          sceneOf(drift.object()),
          store.bucket(),
          drift.manifest(),
          failures,
          remediation,
          now().toString(),
          extra);
    }

    // ---- manifests ----

    private void completeFolder(Folder folder, List<Artifact> all, ObjectResult[] results) {
      String manifestName = folder.prefix() + ChecksumManifest.FILE_NAME;
      ManifestLookup lookup = manifests.get(folder.prefix());
      if (lookup != null && lookup.problem() != null) {
        tally.manifestsInvalid.add(ManifestNote.of(lookup.object(), lookup.problem()));
      }
      if (scope.manifestOf(folder.prefix()) != null) {
        tally.manifestsExisting++; // never rewritten, whatever it says
        return;
      }
      List<ManifestEntry> entries = new ArrayList<>();
      for (int i = folder.from(); i <= folder.to(); i++) {
        Artifact a = all.get(i);
        ObjectResult r = results[i];
        String sha;
        long size;
        if (r != null) {
          if (r.outcome() == Outcome.NO_FILE) {
            continue;
          }
          if (r.outcome() == Outcome.WOULD_UPDATE) {
            sha = "0".repeat(64); // a dry run only counts what it would create
          } else {
            sha = r.sha256();
          }
          size = r.size();
        } else {
          // Done by an earlier run: its hash is in the listed metadata if it is still current.
          Optional<RecordedHash> recorded = RecordedHash.from(a.info().metadata());
          sha = recorded.filter(h -> h.currentFor(a.info())).map(RecordedHash::sha256).orElse(null);
          size = a.info().size();
        }
        if (sha == null) {
          notCreated(manifestName, a.name() + " has no current hash (skipped or changed)");
          return;
        }
        Optional<String> problem = RelativePaths.problem(a.relativePath());
        if (problem.isPresent()) {
          notCreated(manifestName, a.name() + " cannot be listed in a manifest: " + problem.get());
          return;
        }
        entries.add(ManifestEntry.of(a.relativePath(), sha, size));
      }
      if (entries.isEmpty()) {
        return;
      }
      if (config.dryRun()) {
        tally.manifestsCreated.add(manifestName);
        return;
      }
      String root = store.describe(folder.prefix().substring(0, folder.prefix().length() - 1));
      ChecksumManifest manifest =
          ChecksumManifest.of(now().truncatedTo(ChronoUnit.SECONDS).toString(), root, entries);
      try {
        store.write(
            manifestName,
            ManifestCodec.write(manifest),
            "application/json",
            Map.of(),
            Precondition.doesNotExist());
        tally.manifestsCreated.add(manifestName);
        Counter.builder("scenegate.backfill.manifests.created")
            .description("Manifests the backfill created for folders that had none")
            .tag("type", folder.type().wireName())
            .register(meters)
            .increment();
        LOG.info(
            "created manifest",
            "object",
            manifestName,
            "scene_id",
            folder.sceneId(),
            "files",
            entries.size());
      } catch (PreconditionFailedException e) {
        // Someone else wrote one meanwhile: theirs stands.
        tally.manifestsExisting++;
        LOG.notice("manifest appeared meanwhile; left as it is", "object", manifestName);
      } catch (IOException e) {
        LOG.error("could not create manifest", e, "object", manifestName);
        notCreated(manifestName, describe(e));
      }
    }

    private void notCreated(String manifestName, String reason) {
      tally.manifestsNotCreated.add(ManifestNote.of(manifestName, reason));
      LOG.warn("manifest not created", "object", manifestName, "reason", reason);
    }

    // ---- helpers ----

    private ObjectResult result(Artifact artifact, Outcome outcome) {
      return result(artifact, outcome, null);
    }

    private ObjectResult result(Artifact artifact, Outcome outcome, String detail) {
      return new ObjectResult(
          artifact, outcome, null, artifact.info().size(), 0, 0, null, false, detail);
    }

    private ObjectResult hashed(
        Artifact artifact, Outcome outcome, String sha, long size, long files, long bytes) {
      return new ObjectResult(artifact, outcome, sha, size, files, bytes, null, false, null);
    }

    private ObjectResult noFile(Artifact artifact, long files, long bytes) {
      return new ObjectResult(
          artifact,
          Outcome.NO_FILE,
          null,
          artifact.info().size(),
          files,
          bytes,
          null,
          false,
          "deleted after it was listed");
    }

    private ObjectResult alertFailed(
        Artifact artifact, DriftEvent drift, long files, long bytes, String why) {
      return new ObjectResult(
          artifact,
          Outcome.ALERT_FAILED,
          null,
          artifact.info().size(),
          files,
          bytes,
          drift,
          false,
          "drift alert not published: " + why);
    }
  }

  private static List<Folder> folders(List<Artifact> all) {
    List<Folder> folders = new ArrayList<>();
    int from = 0;
    for (int i = 1; i <= all.size(); i++) {
      if (i == all.size()
          || all.get(i).type() != all.get(from).type()
          || !all.get(i).folder().equals(all.get(from).folder())) {
        if (!all.isEmpty()) {
          Artifact first = all.get(from);
          folders.add(new Folder(first.type(), first.folder(), first.sceneId(), from, i - 1));
        }
        from = i;
      }
    }
    return folders;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static String mtime(ObjectInfo info) {
    String posix = info.metadata().get(GCS_FILE_MTIME);
    if (posix != null) {
      try {
        return Instant.ofEpochSecond(Long.parseLong(posix.trim())).toString();
      } catch (NumberFormatException e) {
        // fall through to the update time
      }
    }
    return info.updated() == null ? null : info.updated().toString();
  }

  private static String sceneOf(String object) {
    String rest = object.substring(BackfillScope.SCENES_PREFIX.length());
    return rest.substring(0, rest.indexOf('/'));
  }

  private static String assetsFolderOf(String object) {
    return BackfillScope.SCENES_PREFIX + sceneOf(object) + "/" + BackfillScope.ASSETS_FOLDER;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    return text.replaceAll("[\\r\\n\\t]+", " ").strip();
  }
}
