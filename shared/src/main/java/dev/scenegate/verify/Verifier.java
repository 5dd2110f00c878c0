package dev.scenegate.verify;

import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.ledger.DigestRecord;
import dev.scenegate.ledger.LedgerView;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.manifest.RelativePaths;
import dev.scenegate.storage.ObjectContent;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Verifies a checksum manifest against the objects beside it. Sizes are compared first so a size
 * mismatch costs no hashing; files are hashed in parallel on a bounded pool, each through one fixed
 * buffer per thread, so memory stays bounded whatever the file sizes.
 */
public final class Verifier {
  /** Reads of one file before a transient transfer fault is given up on. */
  static final int TRANSFER_ATTEMPTS = 3;

  /**
   * Looks at a file whose listed generation vanished during its read (a replacement in a bucket
   * without versioning) before that counts as a transient fault.
   */
  static final int READ_ROUNDS = 3;

  /** A manifest of at most this many files stats each; a larger one lists its folder once. */
  static final int STAT_AT_MOST = 4;

  private final ObjectStore store;
  private final int threads;
  private final HashingPool pool;
  private final MeterRegistry meters;
  private final LongConsumer progress;
  private final VerifyBudget budget;
  private final DigestLedger ledger;
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
    this(store, threads, pool, meters, progress, VerifyBudget.unlimited(), DigestLedger.disabled());
  }

  private Verifier(
      ObjectStore store,
      int threads,
      HashingPool pool,
      MeterRegistry meters,
      LongConsumer progress,
      VerifyBudget budget,
      DigestLedger ledger) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1");
    }
    this.store = store;
    this.threads = threads;
    this.pool = pool;
    this.meters = meters;
    this.progress = progress;
    this.budget = budget;
    this.ledger = ledger;
    this.digester = FileDigester.of(store);
  }

  /**
   * This verifier, stopping at the end of {@code budget}: files not verified by then are left to a
   * redelivery ({@link VerifyBudgetExhaustedException}), a file too large for any one budget is
   * reported ({@link VerifyBudgetTooSmallException}).
   */
  public Verifier withBudget(VerifyBudget budget) {
    return new Verifier(store, threads, pool, meters, progress, budget, ledger);
  }

  /**
   * This verifier, using {@code ledger} (DESIGN "Digest ledger"): a file whose listed generation
   * and crc32c (local: generation and size) a record vouches for is not read, its recorded digest
   * is compared instead; what is hashed is recorded, in one compare-and-set per verification.
   */
  public Verifier withLedger(DigestLedger ledger) {
    return new Verifier(store, threads, pool, meters, progress, budget, ledger);
  }

  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Reads and validates the manifest object at its current generation (a stat, then a read pinned
   * to what the stat found: {@link ObjectStore#readCurrent}).
   */
  public ManifestVersion readManifest(String manifestObject)
      throws IOException, ManifestMissingException, ManifestInvalidException {
    Optional<ObjectContent> content;
    try {
      content = store.readCurrent(manifestObject, ManifestCodec.MAX_MANIFEST_BYTES);
    } catch (ObjectTooLargeException e) {
      throw new ManifestInvalidException(store.describe(manifestObject), e.getMessage());
    }
    if (content.isEmpty()) {
      throw new ManifestMissingException(store.describe(manifestObject));
    }
    return new ManifestVersion(
        ManifestCodec.parse(content.get().bytes(), store.describe(manifestObject)),
        content.get().generation());
  }

  /**
   * Reads and validates the manifest object at exactly {@code generation}: a manifest that is its
   * own marker, read at the generation its event names.
   *
   * @throws ManifestSupersededException when that generation is gone
   */
  public ManifestVersion readManifest(String manifestObject, long generation)
      throws IOException, ManifestSupersededException, ManifestInvalidException {
    byte[] bytes;
    try {
      bytes = store.readSmall(manifestObject, generation, ManifestCodec.MAX_MANIFEST_BYTES);
    } catch (NoSuchFileException e) {
      throw new ManifestSupersededException(store.describe(manifestObject), generation);
    } catch (ObjectTooLargeException e) {
      throw new ManifestInvalidException(store.describe(manifestObject), e.getMessage());
    }
    return new ManifestVersion(
        ManifestCodec.parse(bytes, store.describe(manifestObject)), generation);
  }

  /** Reads the manifest object at its current generation and verifies the files it lists. */
  public VerificationReport verify(String manifestObject, boolean strict)
      throws IOException, ManifestMissingException, ManifestInvalidException {
    long start = System.nanoTime();
    return verify(manifestObject, readManifest(manifestObject), strict, start);
  }

  /** Reads the manifest object at exactly {@code generation} and verifies the files it lists. */
  public VerificationReport verifyAt(String manifestObject, long generation, boolean strict)
      throws IOException, ManifestSupersededException, ManifestInvalidException {
    long start = System.nanoTime();
    return verify(manifestObject, readManifest(manifestObject, generation), strict, start);
  }

  /** Verifies an already parsed manifest that lives at {@code manifestObject}. */
  public VerificationReport verify(String manifestObject, ChecksumManifest manifest, boolean strict)
      throws IOException, ManifestInvalidException {
    return verify(manifestObject, new ManifestVersion(manifest, 0), strict, System.nanoTime());
  }

  /** Verifies a manifest read before (at the generation it carries). */
  public VerificationReport verify(String manifestObject, ManifestVersion manifest, boolean strict)
      throws IOException, ManifestInvalidException {
    return verify(manifestObject, manifest, strict, System.nanoTime());
  }

  private VerificationReport verify(
      String manifestObject, ManifestVersion version, boolean strict, long start)
      throws IOException, ManifestInvalidException {
    ChecksumManifest manifest = version.manifest();
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
    List<ObjectInfo> listing = list(folder, manifest.files().size());
    Map<String, FileResult> results = new LinkedHashMap<>();
    List<ManifestEntry> todo = manifest.files();
    Map<String, ObjectInfo> located = located(folder, listing);
    List<String> names = new ArrayList<>();
    for (ManifestEntry entry : manifest.files()) {
      names.add(folder + entry.path());
    }
    LedgerView known = ledger.readFor(names);
    Pace pace = new Pace();
    for (int round = 1; ; round++) {
      for (FileResult result : hashAll(folder, todo, located, known, pace)) {
        results.put(result.entry().path(), result);
      }
      List<ManifestEntry> vanished = new ArrayList<>();
      for (FileResult result : results.values()) {
        if (result.fate() == Fate.VANISHED) {
          vanished.add(result.entry());
        }
      }
      if (results.values().stream().anyMatch(r -> r.fate() == Fate.CUT)) {
        recordHashed(results.values());
        throw budgetEnd(manifestObject, results.values());
      }
      if (vanished.isEmpty()) {
        break;
      }
      if (round >= READ_ROUNDS) {
        recordHashed(results.values());
        throw new TransientStorageException(
            store.describe(folder + vanished.get(0).path())
                + ": replaced while being read, "
                + READ_ROUNDS
                + " times; verify again once the folder holds still");
      }
      // Replaced or deleted after it was listed (a bucket without versioning): look at those
      // files again, by a stat each, and read what is there now. What was verified stands.
      todo = vanished;
      located = null;
    }
    recordHashed(results.values());
    List<String> unreadable = new ArrayList<>();
    for (FileResult result : results.values()) {
      if (result.fate() == Fate.UNREADABLE) {
        unreadable.add(result.unreadable());
      }
    }
    if (!unreadable.isEmpty()) {
      unreadable.sort(Comparator.naturalOrder());
      throw new UnreadableFilesException(unreadable);
    }
    List<FileFailure> failures = new ArrayList<>();
    long bytesHashed = 0;
    long bytesReused = 0;
    for (FileResult result : results.values()) {
      bytesHashed += result.bytesHashed();
      bytesReused += result.bytesReused();
      if (result.failure() != null) {
        failures.add(result.failure());
      }
    }
    failures.sort(Comparator.comparing(FileFailure::path));
    List<String> unlisted =
        strict ? unlisted(folder, manifestObject, manifest, listing) : List.of();
    long durationMs = (System.nanoTime() - start) / 1_000_000;
    VerificationReport report =
        new VerificationReport(
            manifestObject,
            version.generation(),
            manifest.files().size(),
            bytesHashed,
            bytesReused,
            durationMs,
            failures,
            unlisted);
    record(report, System.nanoTime() - start, results.values());
    return report;
  }

  /**
   * The folder listed once, when that is cheaper than a stat per file (more than {@link
   * #STAT_AT_MOST} files); null when each file is stat'ed, also when the folder cannot be listed as
   * a whole (a subfolder without permission: the stat of each file then names the ones affected).
   */
  private List<ObjectInfo> list(String folder, int files) throws IOException {
    if (files <= STAT_AT_MOST) {
      return null;
    }
    try {
      return store.list(folder);
    } catch (FileSystemException e) {
      return null;
    }
  }

  private static Map<String, ObjectInfo> located(String folder, List<ObjectInfo> listing) {
    if (listing == null) {
      return null;
    }
    Map<String, ObjectInfo> byName = new HashMap<>();
    for (ObjectInfo info : listing) {
      byName.put(info.name(), info);
    }
    return byName;
  }

  /**
   * The end of the budget with files left: a file that cannot be hashed within any one budget is
   * reported ({@link VerifyBudgetTooSmallException}); otherwise a transient {@link
   * VerifyBudgetExhaustedException}, so the platform redelivers and the redelivery continues from
   * the ledger. Too large: its size exceeds what this delivery read in a whole budget at the rate
   * measured over all its reads, or nothing was finished while it was read for half the budget or
   * more (then a redelivery would only be cut off again).
   */
  private IOException budgetEnd(String manifestObject, java.util.Collection<FileResult> results) {
    long readBytes = 0;
    long firstReadNanos = Long.MAX_VALUE;
    long lastNanos = 0;
    boolean progress = false;
    int left = 0;
    for (FileResult r : results) {
      if (r.fate() == Fate.DECIDED && r.bytesHashed() > 0) {
        progress = true;
      }
      if (r.fate() == Fate.CUT) {
        left++;
      }
      if (r.readNanos() > 0 || r.bytesRead() > 0) {
        readBytes += r.bytesRead();
        firstReadNanos = Math.min(firstReadNanos, r.readStartNanos());
        lastNanos = Math.max(lastNanos, r.readStartNanos() + r.readNanos());
      }
    }
    // Nothing carries over to a redelivery without a ledger: a cut is then never progress.
    progress &= ledgerRecords();
    long budgetNanos = budget.limit().toNanos();
    double rate =
        lastNanos > firstReadNanos ? readBytes / (double) (lastNanos - firstReadNanos) : 0;
    List<OversizedFile> oversized = new ArrayList<>();
    for (FileResult r : results) {
      if (r.fate() != Fate.CUT || r.bytesRead() == 0) {
        continue;
      }
      long size = r.entry().sizeBytes();
      boolean beyondRate = rate > 0 && size > rate * budgetNanos;
      boolean stuck = !progress && r.readNanos() * 2 >= budgetNanos;
      if (beyondRate || stuck) {
        double ownRate = r.readNanos() > 0 ? r.bytesRead() / (double) r.readNanos() : 0;
        long estimated = ownRate > 0 ? (long) Math.ceil(size / ownRate / 1e9) : -1;
        oversized.add(
            new OversizedFile(
                r.entry().path(), size, r.bytesRead(), r.readNanos() / 1_000_000, estimated));
      }
    }
    if (!oversized.isEmpty()) {
      oversized.sort(Comparator.comparing(OversizedFile::path));
      return new VerifyBudgetTooSmallException(
          store.describe(manifestObject), budget.limit(), oversized);
    }
    return new VerifyBudgetExhaustedException(
        store.describe(manifestObject)
            + ": verification budget of "
            + budget.limit()
            + " used up with "
            + left
            + " of "
            + results.size()
            + " files left; what was hashed is recorded and a redelivery continues from there",
        left);
  }

  /** Whether what this verifier hashes is kept for the next delivery. */
  private boolean ledgerRecords() {
    return ledger.enabled();
  }

  /**
   * Records every digest this verification computed, mismatches included (the actual digest: a
   * reuse compares it to the manifest again, so a corrupted file stays a mismatch), in one
   * compare-and-set per ledger document.
   */
  private void recordHashed(java.util.Collection<FileResult> results) throws IOException {
    List<DigestRecord> hashed = new ArrayList<>();
    for (FileResult result : results) {
      if (result.hashed() != null) {
        hashed.add(result.hashed());
      }
    }
    ledger.record(hashed);
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

  /** How one file's check ended. */
  private enum Fate {
    /** An outcome: OK, MISSING, SIZE_MISMATCH or SHA256_MISMATCH. */
    DECIDED,
    /** Exists but cannot be read (permission denied, ...): named with the others at the end. */
    UNREADABLE,
    /** The generation stat'ed or listed for it is gone: look again. */
    VANISHED,
    /** The budget ran out before it was read to its end (or before it was started). */
    CUT
  }

  /**
   * One file's check: its fate and, when decided, outcome and failure; bytes hashed now or reused
   * from the ledger; for a cut, what was read and when (on the budget's clock).
   */
  private record FileResult(
      ManifestEntry entry,
      Fate fate,
      Outcome outcome,
      FileFailure failure,
      long bytesHashed,
      long bytesReused,
      String unreadable,
      long bytesRead,
      long readStartNanos,
      long readNanos,
      DigestRecord hashed) {

    static FileResult decided(ManifestEntry entry, Outcome outcome, FileFailure failure) {
      return new FileResult(entry, Fate.DECIDED, outcome, failure, 0, 0, null, 0, 0, 0, null);
    }

    /** Decided by hashing: {@code hashed} is what to record (null: nothing, the size was off). */
    static FileResult hashed(
        ManifestEntry entry,
        Outcome outcome,
        FileFailure failure,
        long bytesHashed,
        DigestRecord hashed) {
      return new FileResult(
          entry, Fate.DECIDED, outcome, failure, bytesHashed, 0, null, 0, 0, 0, hashed);
    }

    /** Decided by a ledger record, without reading a byte. */
    static FileResult reused(
        ManifestEntry entry, Outcome outcome, FileFailure failure, long bytesReused) {
      return new FileResult(
          entry, Fate.DECIDED, outcome, failure, 0, bytesReused, null, 0, 0, 0, null);
    }

    static FileResult of(ManifestEntry entry, Fate fate) {
      return new FileResult(entry, fate, null, null, 0, 0, null, 0, 0, 0, null);
    }

    static FileResult unreadable(ManifestEntry entry, String reason) {
      String named = entry.path() + " (" + reason + ")";
      return new FileResult(entry, Fate.UNREADABLE, null, null, 0, 0, named, 0, 0, 0, null);
    }

    static FileResult cut(ManifestEntry entry, long bytesRead, long startNanos, long nanos) {
      return new FileResult(
          entry, Fate.CUT, null, null, 0, 0, null, bytesRead, startNanos, nanos, null);
    }
  }

  /**
   * Thrown from the hashing loop when the budget runs out mid-read; never leaves {@link #check}.
   */
  private static final class BudgetCut extends RuntimeException {
    BudgetCut() {
      super("verification budget used up", null, false, false);
    }
  }

  /**
   * What this verification has read so far, on the budget's clock: enough to tell whether a file
   * started now would finish within the budget left.
   */
  private final class Pace {
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong firstReadNanos = new AtomicLong(-1);

    void reading() {
      firstReadNanos.compareAndSet(-1, budget.elapsedNanos());
    }

    void read(long n) {
      bytes.addAndGet(n);
    }

    /**
     * True when a file of {@code size} bytes, read at the rate measured (shared by the hashing
     * threads), would be cut off by the end of the budget yet fits a whole budget: it is left to
     * the redelivery rather than read in part twice. A file no budget fits is started anyway, so
     * that its cut reports it.
     */
    boolean wouldOverrun(long size) {
      long first = firstReadNanos.get();
      long read = bytes.get();
      long now = budget.elapsedNanos();
      if (!budget.limited() || first < 0 || read == 0 || now <= first) {
        return false;
      }
      double perStream = read / (double) (now - first) / threads;
      double needed = size / perStream;
      long limit = budget.limit().toNanos();
      return needed > limit - now && needed <= limit;
    }
  }

  private List<FileResult> hashAll(
      String folder,
      List<ManifestEntry> entries,
      Map<String, ObjectInfo> located,
      LedgerView known,
      Pace pace)
      throws IOException {
    BoundedPool.Task<ManifestEntry, FileResult> task =
        (entry, buffer) -> {
          if (budget.exhausted()) {
            return FileResult.of(entry, Fate.CUT);
          }
          try {
            return check(folder, entry, located, known, pace, buffer);
          } catch (TransientStorageException e) {
            throw e;
          } catch (FileSystemException e) {
            // Permission denied, a folder where a file should be: every such file is named
            // together at the end, not just the first one met.
            return FileResult.unreadable(entry, reason(e));
          }
        };
    return pool != null
        ? pool.map(entries, "verify", task)
        : BoundedPool.map(entries, threads, "verify", task);
  }

  private FileResult check(
      String folder,
      ManifestEntry entry,
      Map<String, ObjectInfo> located,
      LedgerView known,
      Pace pace,
      byte[] buffer)
      throws IOException {
    String name = folder + entry.path();
    Optional<ObjectInfo> info =
        located != null ? Optional.ofNullable(located.get(name)) : store.stat(name);
    if (info.isEmpty()) {
      return missing(entry);
    }
    long size = info.get().size();
    if (size != entry.sizeBytes()) {
      return FileResult.decided(
          entry,
          Outcome.SIZE_MISMATCH,
          FileFailure.sizeMismatch(entry.path(), entry.sha256(), entry.sizeBytes(), size));
    }
    Optional<DigestRecord> recorded = known.reusable(info.get());
    if (recorded.isPresent()) {
      // The bytes of this generation were hashed before: judge the recorded digest as if read.
      progress.accept(size);
      return reusedResult(entry, recorded.get().sha256(), size);
    }
    if (pace.wouldOverrun(size)) {
      return FileResult.of(entry, Fate.CUT); // not started: the redelivery reads it whole
    }
    // The same bytes being hashed by another verification in this process (the three asset
    // stages delivered at once): wait for its digest rather than read them again.
    String key =
        store.bucket()
            + "/"
            + name
            + "#"
            + info.get().generation()
            + "#"
            + info.get().crc32c()
            + "#"
            + size;
    // Only verifications that keep a ledger share: `verify` without --reuse reads every byte.
    CompletableFuture<DigestRecord> mine = null;
    if (ledger.enabled()) {
      DigestRecord recent = RECENT.get(key);
      if (recent != null && recent.vouchesFor(info.get())) {
        // Hashed moments ago by another verification, maybe not yet in the ledger.
        progress.accept(size);
        return reusedResult(entry, recent.sha256(), size);
      }
      CompletableFuture<DigestRecord> fresh = new CompletableFuture<>();
      CompletableFuture<DigestRecord> other = IN_FLIGHT.putIfAbsent(key, fresh);
      if (other == null) {
        mine = fresh;
      } else {
        DigestRecord shared = awaitShared(other);
        if (shared != null && shared.vouchesFor(info.get())) {
          progress.accept(size);
          return reusedResult(entry, shared.sha256(), size);
        }
      }
    }
    try {
      FileResult result = hash(name, entry, info.get(), pace, buffer);
      if (mine != null && result.hashed() != null) {
        RECENT.put(key, result.hashed());
        mine.complete(result.hashed());
      }
      return result;
    } finally {
      if (mine != null) {
        mine.complete(null); // cut off, vanished or failed: whoever waits reads it itself
        IN_FLIGHT.remove(key, mine);
      }
    }
  }

  /** Reads and hashes one file at its listed generation: the one place a file's bytes are read. */
  private FileResult hash(
      String name, ManifestEntry entry, ObjectInfo info, Pace pace, byte[] buffer)
      throws IOException {
    long size = info.size();
    pace.reading();
    Sha256.Digest digest;
    long[] read = {0};
    long readStart = budget.elapsedNanos();
    // Every chunk hashed: the caller's progress, and the budget's cut (a file cut off mid-read is
    // read again from its start next time).
    LongConsumer chunks =
        bytes -> {
          progress.accept(bytes);
          read[0] += bytes;
          pace.read(bytes);
          if (read[0] < size && budget.exhausted()) {
            throw new BudgetCut();
          }
        };
    for (int attempt = 1; ; attempt++) {
      read[0] = 0;
      try {
        digest = digester.digest(info, buffer, chunks);
        break;
      } catch (BudgetCut e) {
        return FileResult.cut(entry, read[0], readStart, budget.elapsedNanos() - readStart);
      } catch (NoSuchFileException e) {
        // Replaced or deleted after the stat or listing: the verdict must rest on what is there
        // now, so the caller looks again (bounded) rather than report a false MISSING.
        return FileResult.of(entry, Fate.VANISHED);
      } catch (TransientStorageException e) {
        // A transfer fault (network, download CRC32C mismatch) says nothing about the stored
        // bytes: read the same generation again, and give up with the fault, never a verdict.
        if (attempt >= TRANSFER_ATTEMPTS) {
          throw e;
        }
      }
    }
    if (digest.bytes() != entry.sizeBytes()) {
      // Not the size the store reported for this generation: nothing to record about it.
      return FileResult.hashed(
          entry,
          Outcome.SIZE_MISMATCH,
          FileFailure.sizeMismatch(entry.path(), entry.sha256(), entry.sizeBytes(), digest.bytes()),
          digest.bytes(),
          null);
    }
    DigestRecord hashed =
        DigestRecord.of(info, digest.hex(), DigestRecord.BY_VERIFY, Instant.now());
    if (!digest.hex().equals(entry.sha256())) {
      return FileResult.hashed(
          entry,
          Outcome.SHA256_MISMATCH,
          FileFailure.shaMismatch(entry.path(), entry.sha256(), digest.hex(), digest.bytes()),
          digest.bytes(),
          hashed);
    }
    return FileResult.hashed(entry, Outcome.OK, null, digest.bytes(), hashed);
  }

  /** A file judged from a digest computed before (the ledger, or another verification). */
  private static FileResult reusedResult(ManifestEntry entry, String sha256, long size) {
    return sha256.equals(entry.sha256())
        ? FileResult.reused(entry, Outcome.OK, null, size)
        : FileResult.reused(
            entry,
            Outcome.SHA256_MISMATCH,
            FileFailure.shaMismatch(entry.path(), entry.sha256(), sha256, size),
            size);
  }

  /** Digests being computed in this process, by bucket/object#generation#crc32c. */
  private static final ConcurrentHashMap<String, CompletableFuture<DigestRecord>> IN_FLIGHT =
      new ConcurrentHashMap<>();

  /** Digests this process computed last, until long after their verification recorded them. */
  private static final int RECENT_DIGESTS = 10_000;

  private static final Map<String, DigestRecord> RECENT =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, DigestRecord> eldest) {
              return size() > RECENT_DIGESTS;
            }
          });

  /** Verifications waiting for another one's digest now (for tests). */
  static final AtomicInteger WAITING = new AtomicInteger();

  /** The digest another verification computes, or null when it did not finish it. */
  private static DigestRecord awaitShared(CompletableFuture<DigestRecord> other)
      throws IOException {
    WAITING.incrementAndGet();
    try {
      return other.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for a digest");
    } catch (java.util.concurrent.ExecutionException e) {
      return null;
    } finally {
      WAITING.decrementAndGet();
    }
  }

  private static FileResult missing(ManifestEntry entry) {
    return FileResult.decided(
        entry,
        Outcome.MISSING,
        FileFailure.missing(entry.path(), entry.sha256(), entry.sizeBytes()));
  }

  /** Files in the manifest's {@link StrictScope} that it does not list. */
  private List<String> unlisted(
      String folder, String manifestObject, ChecksumManifest manifest, List<ObjectInfo> listing)
      throws IOException {
    Set<String> listed = new HashSet<>(manifest.byPath().keySet());
    List<String> relatives = new ArrayList<>();
    for (ObjectInfo object : listing != null ? listing : store.list(folder)) {
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

  private void record(
      VerificationReport report, long nanos, java.util.Collection<FileResult> results) {
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
