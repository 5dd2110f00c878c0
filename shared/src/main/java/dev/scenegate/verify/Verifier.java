package dev.scenegate.verify;

import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.manifest.RelativePaths;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.ObjectTooLargeException;
import dev.scenegate.storage.PathEscapesException;
import dev.scenegate.storage.TransientStorageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Verifies a checksum manifest against the objects beside it. Sizes are compared first so a size
 * mismatch costs no hashing; files are hashed in parallel on a bounded pool, each through one fixed
 * buffer per thread, so memory stays bounded whatever the file sizes.
 */
public final class Verifier {
  /** Reads of one file before a transient transfer fault is given up on. */
  static final int TRANSFER_ATTEMPTS = 3;

  private final ObjectStore store;
  private final int threads;
  private final HashingPool pool;
  private final MeterRegistry meters;
  private final LongConsumer progress;
  private final FileDigester digester;

  public Verifier(ObjectStore store, int threads, MeterRegistry meters) {
    this(store, threads, meters, bytes -> {});
  }

  /**
   * Hashes on {@code pool}, shared with every other verification of the process (a function
   * instance serving concurrent requests) instead of threads of its own.
   */
  public Verifier(ObjectStore store, HashingPool pool, MeterRegistry meters) {
    this(store, pool.threads(), pool, meters, bytes -> {});
  }

  /** {@code progress} hears every chunk hashed, from the hashing threads. */
  public Verifier(ObjectStore store, int threads, MeterRegistry meters, LongConsumer progress) {
    this(store, threads, null, meters, progress);
  }

  private Verifier(
      ObjectStore store,
      int threads,
      HashingPool pool,
      MeterRegistry meters,
      LongConsumer progress) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1");
    }
    this.store = store;
    this.threads = threads;
    this.pool = pool;
    this.meters = meters;
    this.progress = progress;
    this.digester = FileDigester.of(store);
  }

  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** Reads and validates the manifest object. */
  public ChecksumManifest readManifest(String manifestObject)
      throws IOException, ManifestMissingException, ManifestInvalidException {
    Optional<ObjectInfo> info = store.stat(manifestObject);
    if (info.isEmpty()) {
      throw new ManifestMissingException(store.describe(manifestObject));
    }
    byte[] bytes;
    try {
      bytes =
          store.readSmall(
              manifestObject, info.get().generation(), ManifestCodec.MAX_MANIFEST_BYTES);
    } catch (NoSuchFileException e) {
      throw new ManifestMissingException(store.describe(manifestObject));
    } catch (ObjectTooLargeException e) {
      throw new ManifestInvalidException(store.describe(manifestObject), e.getMessage());
    }
    return ManifestCodec.parse(bytes, store.describe(manifestObject));
  }

  /** Reads the manifest object and verifies the files it lists. */
  public VerificationReport verify(String manifestObject, boolean strict)
      throws IOException, ManifestMissingException, ManifestInvalidException {
    long start = System.nanoTime();
    ChecksumManifest manifest = readManifest(manifestObject);
    return verify(manifestObject, manifest, strict, start);
  }

  /** Verifies an already parsed manifest that lives at {@code manifestObject}. */
  public VerificationReport verify(String manifestObject, ChecksumManifest manifest, boolean strict)
      throws IOException, ManifestInvalidException {
    return verify(manifestObject, manifest, strict, System.nanoTime());
  }

  private VerificationReport verify(
      String manifestObject, ChecksumManifest manifest, boolean strict, long start)
      throws IOException, ManifestInvalidException {
    String folder = RelativePaths.parentPrefix(manifestObject);
    // Every path is checked before any is hashed: a manifest with one escaping path is rejected
    // whole, not half-verified.
    for (ManifestEntry entry : manifest.files()) {
      String name = folder + entry.path();
      try {
        store.checkContained(folder, name);
      } catch (PathEscapesException e) {
        throw new ManifestInvalidException(
            store.describe(manifestObject),
            "entry \"" + entry.path() + "\": " + withoutPrefix(e.getMessage(), name + ": "));
      } catch (FileSystemException e) {
        // A symlink loop or an unreadable folder on the way: the entry cannot be resolved safely.
        throw new ManifestInvalidException(
            store.describe(manifestObject),
            "entry \"" + entry.path() + "\": cannot resolve: " + reason(e));
      }
    }
    List<FileResult> results = hashAll(folder, manifest.files());
    List<String> unreadable = new ArrayList<>();
    for (FileResult result : results) {
      if (result.unreadable() != null) {
        unreadable.add(result.unreadable());
      }
    }
    if (!unreadable.isEmpty()) {
      unreadable.sort(Comparator.naturalOrder());
      throw new UnreadableFilesException(unreadable);
    }
    List<FileFailure> failures = new ArrayList<>();
    long bytesHashed = 0;
    for (FileResult result : results) {
      bytesHashed += result.bytesHashed();
      if (result.failure() != null) {
        failures.add(result.failure());
      }
    }
    failures.sort(Comparator.comparing(FileFailure::path));
    List<String> unlisted = strict ? unlisted(folder, manifestObject, manifest) : List.of();
    long durationMs = (System.nanoTime() - start) / 1_000_000;
    VerificationReport report =
        new VerificationReport(
            manifestObject, manifest.files().size(), bytesHashed, durationMs, failures, unlisted);
    record(report, System.nanoTime() - start, results);
    return report;
  }

  private static String withoutPrefix(String message, String prefix) {
    return message != null && message.startsWith(prefix)
        ? message.substring(prefix.length())
        : message;
  }

  private static String reason(FileSystemException e) {
    if (e.getReason() != null) {
      return e.getReason();
    }
    return e instanceof java.nio.file.AccessDeniedException
        ? "permission denied"
        : e.getClass().getSimpleName();
  }

  /** One file's outcome; {@code unreadable} ("path (reason)") when it could not be read at all. */
  private record FileResult(
      Outcome outcome, FileFailure failure, long bytesHashed, String unreadable) {
    FileResult(Outcome outcome, FileFailure failure, long bytesHashed) {
      this(outcome, failure, bytesHashed, null);
    }
  }

  private List<FileResult> hashAll(String folder, List<ManifestEntry> entries) throws IOException {
    BoundedPool.Task<ManifestEntry, FileResult> task =
        (entry, buffer) -> {
          try {
            return check(folder, entry, buffer);
          } catch (TransientStorageException e) {
            throw e;
          } catch (FileSystemException e) {
            // Permission denied, a folder where a file should be: every such file is named
            // together at the end, not just the first one met.
            return new FileResult(null, null, 0, entry.path() + " (" + reason(e) + ")");
          }
        };
    return pool != null
        ? pool.map(entries, "verify", task)
        : BoundedPool.map(entries, threads, "verify", task);
  }

  private FileResult check(String folder, ManifestEntry entry, byte[] buffer) throws IOException {
    String name = folder + entry.path();
    Optional<ObjectInfo> info = store.stat(name);
    if (info.isEmpty()) {
      return missing(entry);
    }
    long size = info.get().size();
    if (size != entry.sizeBytes()) {
      return new FileResult(
          Outcome.SIZE_MISMATCH,
          FileFailure.sizeMismatch(entry.path(), entry.sha256(), entry.sizeBytes(), size),
          0);
    }
    Sha256.Digest digest;
    for (int attempt = 1; ; attempt++) {
      try {
        digest = digester.digest(info.get(), buffer, progress);
        break;
      } catch (NoSuchFileException e) {
        // Deleted or overwritten between stat and read: what the manifest names is not there.
        return missing(entry);
      } catch (TransientStorageException e) {
        // A transfer fault (network, download CRC32C mismatch) says nothing about the stored
        // bytes: read the same generation again, and give up with the fault, never a verdict.
        if (attempt >= TRANSFER_ATTEMPTS) {
          throw e;
        }
      }
    }
    if (digest.bytes() != entry.sizeBytes()) {
      return new FileResult(
          Outcome.SIZE_MISMATCH,
          FileFailure.sizeMismatch(entry.path(), entry.sha256(), entry.sizeBytes(), digest.bytes()),
          digest.bytes());
    }
    if (!digest.hex().equals(entry.sha256())) {
      return new FileResult(
          Outcome.SHA256_MISMATCH,
          FileFailure.shaMismatch(entry.path(), entry.sha256(), digest.hex(), digest.bytes()),
          digest.bytes());
    }
    return new FileResult(Outcome.OK, null, digest.bytes());
  }

  private static FileResult missing(ManifestEntry entry) {
    return new FileResult(
        Outcome.MISSING, FileFailure.missing(entry.path(), entry.sha256(), entry.sizeBytes()), 0);
  }

  /** Files in the manifest's {@link StrictScope} that it does not list. */
  private List<String> unlisted(String folder, String manifestObject, ChecksumManifest manifest)
      throws IOException {
    Set<String> listed = new HashSet<>(manifest.byPath().keySet());
    List<String> relatives = new ArrayList<>();
    for (ObjectInfo object : store.list(folder)) {
      if (!object.name().equals(manifestObject)) {
        relatives.add(object.name().substring(folder.length()));
      }
    }
    StrictScope scope = StrictScope.of(store.describe(manifestObject), relatives);
    List<String> unlisted = new ArrayList<>();
    for (String relative : relatives) {
      if (scope.covers(relative) && !listed.contains(relative)) {
        unlisted.add(relative);
      }
    }
    unlisted.sort(Comparator.naturalOrder());
    return unlisted;
  }

  private void record(VerificationReport report, long nanos, List<FileResult> results) {
    Timer.builder("scenegate.verify.duration")
        .description("Time to verify one manifest")
        .tag("result", report.ok() ? "ok" : "failed")
        .register(meters)
        .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    Counter.builder("scenegate.verify.bytes")
        .description("Bytes hashed by verification")
        .baseUnit("bytes")
        .register(meters)
        .increment(report.bytesHashed());
    for (Outcome outcome : Outcome.values()) {
      long count = results.stream().filter(r -> r.outcome() == outcome).count();
      if (outcome == Outcome.UNLISTED) {
        count = report.unlisted().size();
      }
      if (count > 0) {
        Counter.builder("scenegate.verify.files")
            .description("Files verified, by outcome")
            .tag("outcome", outcome.name())
            .register(meters)
            .increment(count);
      }
    }
  }
}
