package dev.scenegate.backfill;

import dev.scenegate.ledger.DigestRecord;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.PathEscapesException;
import dev.scenegate.storage.PreconditionFailedException;
import dev.scenegate.storage.TransientStorageException;
import dev.scenegate.verify.Sha256;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Hashes one object and records the hash in its metadata: trusts a hash recorded for exactly its
 * generation (no read), else streams it through SHA-256 at the run's pace, reports drift, and
 * writes the record with an if-metageneration-match precondition. An object that changes under it
 * is looked at again, up to {@link BackfillConfig#maxAttempts}. Called from the run's hashing
 * threads.
 */
final class ObjectHasher {
  private static final JsonLog LOG = JsonLog.get(BackfillEngine.class);

  /** A stop abandoned the read: the object is not done and the next run hashes it. */
  static final class Abandoned extends InterruptedIOException {
    Abandoned() {
      super("abandoned by a stop");
    }
  }

  private final ObjectStore store;
  private final BackfillConfig config;
  private final RateLimiter limiter;
  private final FolderManifests manifests;
  private final DriftReporter drifts;
  private final BackfillMeters meters;
  private final BackfillListener listener;
  private final Clock clock;
  private final BooleanSupplier abandon;
  private final AtomicLong filesHashed = new AtomicLong();
  private final AtomicLong bytesHashed = new AtomicLong();
  private final AtomicLong filesReused = new AtomicLong();
  private final AtomicLong bytesReused = new AtomicLong();
  private final LedgerBatch ledger;

  ObjectHasher(
      ObjectStore store,
      BackfillConfig config,
      RateLimiter limiter,
      FolderManifests manifests,
      DriftReporter drifts,
      BackfillMeters meters,
      BackfillListener listener,
      Clock clock,
      BooleanSupplier abandon,
      LedgerBatch ledger) {
    this.store = store;
    this.ledger = ledger;
    this.config = config;
    this.limiter = limiter;
    this.manifests = manifests;
    this.drifts = drifts;
    this.meters = meters;
    this.listener = listener;
    this.clock = clock;
    this.abandon = abandon;
  }

  /** Files read whole by this run. */
  long filesHashed() {
    return filesHashed.get();
  }

  /** Bytes read by this run (including reads that were abandoned or looked at again). */
  long bytesHashed() {
    return bytesHashed.get();
  }

  /** Files whose digest came from the ledger instead of a read. */
  long filesReused() {
    return filesReused.get();
  }

  /** Bytes not read because the ledger held their digest. */
  long bytesReused() {
    return bytesReused.get();
  }

  /** {@link #process}, with every failure turned into an outcome. */
  ObjectResult processSafely(Artifact artifact, byte[] buffer) {
    try {
      return process(artifact, buffer);
    } catch (Abandoned e) {
      return ObjectResult.notStarted(artifact);
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
      return ObjectResult.of(artifact, ObjectResult.Outcome.UNREADABLE, "interrupted");
    } catch (IOException | RuntimeException e) {
      LOG.error(
          "backfill could not process object",
          e,
          "object",
          artifact.name(),
          "scene_id",
          artifact.sceneId());
      return ObjectResult.of(artifact, ObjectResult.Outcome.UNREADABLE, BackfillEngine.describe(e));
    }
  }

  private ObjectResult process(Artifact artifact, byte[] buffer) throws IOException {
    ObjectInfo info = artifact.info();
    String name = artifact.name();
    long bytesRead = 0;
    long filesRead = 0;
    String digest = null;
    long digestGeneration = -1;
    String publishedAlert = null;
    String strayDigest = null; // our own record that landed on a newer generation
    String lastProblem = null;
    for (int attempt = 1; attempt <= config.maxAttempts(); attempt++) {
      Optional<RecordedHash> recorded = RecordedHash.from(info.metadata());
      FolderManifests.Lookup manifest = manifests.of(artifact);
      Optional<ManifestEntry> entry = manifest.entry(artifact.relativePath());
      boolean hashKnown = digest != null && digestGeneration == info.generation();
      if (!hashKnown) {
        Optional<ObjectResult> trusted =
            trusted(artifact, info, recorded, entry, filesRead, bytesRead);
        if (trusted.isPresent()) {
          return trusted.get();
        }
      }
      if (config.dryRun()) {
        return ObjectResult.of(artifact, ObjectResult.Outcome.WOULD_UPDATE, null);
      }
      if (!hashKnown) {
        Optional<DigestRecord> reused = ledger.reusable(info, artifact.folder());
        if (reused.isPresent()) {
          // A verification (or an earlier backfill) hashed exactly this generation: no read.
          digest = reused.get().sha256();
          digestGeneration = info.generation();
          hashKnown = true;
          filesReused.incrementAndGet();
          bytesReused.addAndGet(info.size());
        }
      }
      if (!hashKnown) {
        try {
          store.checkContained(artifact.folder(), name);
        } catch (PathEscapesException e) {
          return ObjectResult.of(artifact, ObjectResult.Outcome.UNREADABLE, e.getMessage());
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
            return ObjectResult.noFile(artifact, filesRead, bytesRead);
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
          return ObjectResult.of(
              artifact, ObjectResult.Outcome.UNREADABLE, BackfillEngine.describe(e));
        }
        filesRead++;
        bytesRead += read;
        filesHashed.incrementAndGet();
        if (read != info.size()) {
          // The content is not what was listed (a local file rewritten in place).
          Optional<ObjectInfo> fresh = store.stat(name);
          if (fresh.isEmpty()) {
            return ObjectResult.noFile(artifact, filesRead, bytesRead);
          }
          lastProblem = "read " + read + " bytes of an object listed as " + info.size();
          digest = null;
          info = fresh.get();
          continue;
        }
        ledger.add(
            DigestRecord.of(info, digest, DigestRecord.BY_BACKFILL, BackfillEngine.now(clock)));
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
        drift = drifts.drift(artifact, info, digest, metadataOld, manifest.object(), manifestOld);
        if (!drift.alertId().equals(publishedAlert)) {
          Optional<String> failure = drifts.report(drift);
          if (failure.isPresent()) {
            return ObjectResult.alertFailed(artifact, drift, filesRead, bytesRead, failure.get());
          }
          publishedAlert = drift.alertId();
        }
      }
      Map<String, String> update = record(digest, info, recorded, drift);
      ObjectInfo written;
      try {
        written = store.updateMetadata(name, update, info.metageneration());
      } catch (PreconditionFailedException e) {
        // Someone else changed the metadata or the object: look again; the hash is reused when
        // the generation is unchanged.
        Optional<ObjectInfo> fresh = store.stat(name);
        if (fresh.isEmpty()) {
          return ObjectResult.noFile(artifact, filesRead, bytesRead);
        }
        info = fresh.get();
        Optional<RecordedHash> theirs = RecordedHash.from(info.metadata());
        if (info.generation() == digestGeneration
            && theirs.isPresent()
            && theirs.get().currentFor(info)
            && theirs.get().sha256().equals(digest)
            && drift == null) {
          return ObjectResult.hashed(
              artifact, ObjectResult.Outcome.CURRENT, digest, info.size(), filesRead, bytesRead);
        }
        lastProblem = "metadata kept changing";
        continue;
      } catch (NoSuchFileException e) {
        return ObjectResult.noFile(artifact, filesRead, bytesRead);
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
          ObjectResult.Outcome.UPDATED,
          digest,
          info.size(),
          filesRead,
          bytesRead,
          drift,
          false,
          null);
    }
    return new ObjectResult(
        artifact,
        ObjectResult.Outcome.UNREADABLE,
        null,
        info.size(),
        filesRead,
        bytesRead,
        null,
        false,
        "gave up after " + config.maxAttempts() + " attempts: " + lastProblem);
  }

  /**
   * A hash recorded for exactly this generation is trusted without a read, unless an existing
   * manifest disagrees with it in a way no earlier run reported; then reading settles it (empty).
   */
  private static Optional<ObjectResult> trusted(
      Artifact artifact,
      ObjectInfo info,
      Optional<RecordedHash> recorded,
      Optional<ManifestEntry> entry,
      long filesRead,
      long bytesRead) {
    if (recorded.isEmpty() || !recorded.get().currentFor(info)) {
      return Optional.empty();
    }
    String sha = recorded.get().sha256();
    if (entry.isEmpty() || entry.get().sha256().equals(sha)) {
      return Optional.of(
          ObjectResult.hashed(
              artifact, ObjectResult.Outcome.CURRENT, sha, info.size(), filesRead, bytesRead));
    }
    if (recorded.get().driftedFrom().contains(entry.get().sha256())) {
      // Reported by an earlier run; shown in the summary, not alerted again.
      return Optional.of(
          new ObjectResult(
              artifact,
              ObjectResult.Outcome.CURRENT,
              sha,
              info.size(),
              filesRead,
              bytesRead,
              null,
              true,
              null));
    }
    return Optional.empty();
  }

  /** The metadata recording {@code digest} for {@code info}, with the drift history kept. */
  private Map<String, String> record(
      String digest, ObjectInfo info, Optional<RecordedHash> recorded, DriftEvent drift) {
    String now = BackfillEngine.now(clock).toString();
    Map<String, String> update =
        RecordedHash.metadataFor(digest, info.size(), info.generation(), now);
    if (drift != null) {
      List<String> olds = new ArrayList<>();
      if (drift.metadataSha256() != null) {
        olds.add(drift.metadataSha256());
      }
      if (drift.manifestSha256() != null) {
        olds.add(drift.manifestSha256());
      }
      List<String> earlier = recorded.map(RecordedHash::driftedFrom).orElse(List.of());
      String driftedFrom = RecordedHash.mergeDriftedFrom(earlier, olds);
      if (!driftedFrom.isEmpty()) {
        update.put(RecordedHash.DRIFTED_FROM, driftedFrom);
      }
      update.put(RecordedHash.DRIFT_DETECTED_AT, now);
    }
    return update;
  }

  /**
   * Streams one object through SHA-256 (the one hash loop, {@link Sha256#of}), paced by the rate
   * limiter; never holds it whole.
   */
  private Sha256.Digest hash(Artifact artifact, InputStream in, byte[] buffer) throws IOException {
    long start = System.nanoTime();
    Sha256.Digest digest =
        Sha256.of(
            new PacedStream(in, Math.max(1, limiter.chunkBytes(buffer.length))), buffer, n -> {});
    meters.objectHashed(artifact.type(), digest.bytes(), System.nanoTime() - start);
    return digest;
  }

  /**
   * Reads at most {@code chunk} bytes at a time, paces each read through the limiter, reports it,
   * and gives up at once when the run abandons what is in flight.
   */
  private final class PacedStream extends FilterInputStream {
    private final int chunk;

    PacedStream(InputStream in, int chunk) {
      super(in);
      this.chunk = chunk;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (abandon.getAsBoolean()) {
        throw new Abandoned();
      }
      int n = super.read(b, off, Math.min(len, chunk));
      if (n > 0) {
        bytesHashed.addAndGet(n);
        listener.hashed(n);
        limiter.acquire(n);
      }
      return n;
    }
  }
}
