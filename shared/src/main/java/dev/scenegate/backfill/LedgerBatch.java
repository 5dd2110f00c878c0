package dev.scenegate.backfill;

import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.ledger.DigestRecord;
import dev.scenegate.ledger.LedgerView;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.storage.ObjectInfo;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backfill's side of the digest ledger: what a verification already hashed is taken from it
 * (one ledger read per folder, cached for the run), and what the backfill hashes goes into it in
 * batches, flushed with every checkpoint, so the ledger costs a write per batch, not per object. A
 * record not flushed (a crash) only costs a later re-hash; it never vouches for anything wrong.
 */
final class LedgerBatch {
  private static final JsonLog LOG = JsonLog.get(BackfillEngine.class);

  /** Records held before a flush even without a checkpoint. */
  static final int MAX_PENDING = 512;

  private final DigestLedger ledger;
  private final Map<String, LedgerView> views = new ConcurrentHashMap<>();
  private final List<DigestRecord> pending = new ArrayList<>();

  LedgerBatch(DigestLedger ledger) {
    this.ledger = ledger;
  }

  /** A recorded digest for exactly {@code info}'s generation (and crc32c), or empty. */
  Optional<DigestRecord> reusable(ObjectInfo info, String folder) throws IOException {
    if (!ledger.enabled()) {
      return Optional.empty();
    }
    LedgerView view = views.get(folder);
    if (view == null) {
      view = ledger.read(folder);
      views.put(folder, view);
    }
    return view.reusable(info);
  }

  /** Keeps {@code record} for the next flush; flushes when the batch is full. */
  void add(DigestRecord record) {
    if (!ledger.enabled()) {
      return;
    }
    boolean full;
    synchronized (pending) {
      pending.add(record);
      full = pending.size() >= MAX_PENDING;
    }
    if (full) {
      flush();
    }
  }

  /** Writes what is pending; a failed write keeps it for the next flush. */
  void flush() {
    List<DigestRecord> batch;
    synchronized (pending) {
      if (pending.isEmpty()) {
        return;
      }
      batch = new ArrayList<>(pending);
      pending.clear();
    }
    try {
      ledger.record(batch);
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
      requeue(batch);
    } catch (IOException e) {
      LOG.warn(
          "digest ledger not written; kept for the next checkpoint",
          "records",
          batch.size(),
          "error",
          BackfillEngine.describe(e));
      requeue(batch);
    }
  }

  private void requeue(List<DigestRecord> batch) {
    synchronized (pending) {
      pending.addAll(0, batch);
    }
  }
}
