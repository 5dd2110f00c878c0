package dev.scenegate.ledger;

import dev.scenegate.retry.Backoff;
import dev.scenegate.storage.CompareAndSet;
import dev.scenegate.storage.ObjectContent;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The digest ledger (DESIGN, "Digest ledger"): every SHA-256 scenegate computes, by object and
 * generation, in documents only scenegate writes, so that no verifier reads bytes another one has
 * already hashed. One document per shard ({@link LedgerLayout}); each holds the newest generation's
 * record per object, so superseded generations are pruned by the write that supersedes them.
 * Writers merge by compare-and-set: concurrent writers lose no record.
 */
public final class DigestLedger {
  /** Where the ledger lives in the state bucket, and in the embedded default's folder. */
  public static final String PREFIX = "_scenegate/digests/";

  /** A shard's document is refused above this size (about 100,000 records). */
  static final int MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;

  /**
   * More patient than a scene's state: every verifier of a shard (three stages, backfill tasks, the
   * audit) may write it at once, and each write is small and quick to redo.
   */
  static final Backoff RACES =
      Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(2))
          .withJitter(1.0)
          .withMaxAttempts(16);

  private static final DigestLedger DISABLED = new DigestLedger(null, PREFIX);

  private final ObjectStore store;
  private final String documentPrefix;
  private final CompareAndSet documents;
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong racesLost = new AtomicLong();

  private DigestLedger(ObjectStore store, String documentPrefix) {
    this.store = store;
    this.documentPrefix = Objects.requireNonNull(documentPrefix, "documentPrefix");
    this.documents =
        store == null
            ? null
            : new CompareAndSet(store, "application/json", RACES)
                .withMetadata(Map.of("scenegate", "digests"));
  }

  /** A ledger whose documents are named {@code documentPrefix + shard + "digests.json"}. */
  public static DigestLedger of(ObjectStore ledgerStore, String documentPrefix) {
    if (!documentPrefix.isEmpty() && !documentPrefix.endsWith("/")) {
      throw new IllegalArgumentException("document prefix must end with '/': " + documentPrefix);
    }
    return new DigestLedger(Objects.requireNonNull(ledgerStore, "ledgerStore"), documentPrefix);
  }

  /** The ledger of {@code dataBucket}'s objects, kept in the state bucket. */
  public static DigestLedger forBucket(ObjectStore stateStore, String dataBucket) {
    if (dataBucket == null || dataBucket.isBlank() || dataBucket.contains("/")) {
      throw new IllegalArgumentException("not a bucket name: " + dataBucket);
    }
    return of(stateStore, PREFIX + dataBucket + "/");
  }

  /** The embedded default: the folder is the bucket, the ledger under {@code DIR/_scenegate/}. */
  public static DigestLedger local(ObjectStore dirStore) {
    return of(dirStore, PREFIX);
  }

  /**
   * No ledger: nothing is reused, nothing recorded (e.g. {@code scenegate verify} without --reuse).
   */
  public static DigestLedger disabled() {
    return DISABLED;
  }

  public boolean enabled() {
    return store != null;
  }

  /**
   * The records of every object under {@code folderPrefix} ({@code a/b/}, or "" for all): one
   * document read when the folder lies within one shard, otherwise one listing plus a read per
   * shard below it.
   */
  public LedgerView read(String folderPrefix) throws IOException {
    checkFolder(folderPrefix);
    if (store == null) {
      return LedgerView.empty();
    }
    Map<String, DigestRecord> records = new HashMap<>();
    int read = 0;
    for (String shard : shardsUnder(folderPrefix)) {
      Optional<ObjectContent> doc = store.readCurrent(documentName(shard), MAX_DOCUMENT_BYTES);
      if (doc.isPresent()) {
        read++;
        LedgerDocument.decode(doc.get().bytes(), shard).values().stream()
            .filter(r -> r.object().startsWith(folderPrefix))
            .forEach(r -> records.put(r.object(), r));
      }
    }
    return new LedgerView(records, read);
  }

  /** Merges {@code records} into their documents, one compare-and-set per document touched. */
  public void record(Collection<DigestRecord> records) throws IOException {
    if (store == null || records.isEmpty()) {
      return;
    }
    Map<String, List<DigestRecord>> byShard = new TreeMap<>();
    for (DigestRecord record : records) {
      byShard
          .computeIfAbsent(LedgerLayout.shardOf(record.object()), s -> new ArrayList<>())
          .add(record);
    }
    for (Map.Entry<String, List<DigestRecord>> shard : byShard.entrySet()) {
      rewrite(
          shard.getKey(),
          current -> {
            boolean changed = false;
            for (DigestRecord record : shard.getValue()) {
              DigestRecord kept = current.get(record.object());
              if (kept == null || LedgerDocument.newer(kept, record) == record) {
                changed |= !record.equals(kept);
                current.put(record.object(), record);
              }
            }
            return changed;
          });
    }
  }

  /**
   * Drops the records under {@code folderPrefix} whose object is no longer listed, or listed at a
   * newer generation than recorded ({@code listedNow}: a listing of that folder, taken now).
   */
  public void prune(String folderPrefix, Collection<ObjectInfo> listedNow) throws IOException {
    checkFolder(folderPrefix);
    if (store == null) {
      return;
    }
    Map<String, Long> listed = new HashMap<>();
    for (ObjectInfo info : listedNow) {
      listed.put(info.name(), info.generation());
    }
    for (String shard : shardsUnder(folderPrefix)) {
      rewrite(
          shard,
          current ->
              current
                  .values()
                  .removeIf(
                      r -> {
                        if (!r.object().startsWith(folderPrefix)) {
                          return false;
                        }
                        Long now = listed.get(r.object());
                        return now == null || now > r.generation();
                      }));
    }
  }

  /** Documents written, and writes that lost a race and decided again (contention). */
  public record Stats(long writes, long racesLost) {}

  public Stats stats() {
    return new Stats(writes.get(), racesLost.get());
  }

  /** The object holding {@code shard}'s records. */
  public String documentName(String shard) {
    return documentPrefix + shard + LedgerLayout.DOCUMENT;
  }

  @FunctionalInterface
  private interface Edit {
    /** Edits the records in place; true when anything changed. */
    boolean apply(Map<String, DigestRecord> records);
  }

  private void rewrite(String shard, Edit edit) throws IOException {
    String name = documentName(shard);
    AtomicLong decisions = new AtomicLong();
    CompareAndSet.Updated<Boolean> updated =
        documents.update(
            name,
            MAX_DOCUMENT_BYTES,
            current -> {
              decisions.incrementAndGet();
              Map<String, DigestRecord> records =
                  current
                      .map(c -> LedgerDocument.decode(c.bytes(), shard))
                      .orElseGet(LinkedHashMap::new);
              if (!edit.apply(records)) {
                return CompareAndSet.Change.keep(false);
              }
              return CompareAndSet.Change.write(LedgerDocument.encode(shard, records), true);
            });
    racesLost.addAndGet(decisions.get() - 1);
    if (updated.written() != null) {
      writes.incrementAndGet();
    }
  }

  private List<String> shardsUnder(String folderPrefix) throws IOException {
    if (LedgerLayout.withinOneShard(folderPrefix)) {
      return List.of(LedgerLayout.shardOfFolder(folderPrefix));
    }
    List<String> shards = new ArrayList<>();
    String root = documentPrefix + folderPrefix;
    for (ObjectInfo doc : store.list(root)) {
      String name = doc.name();
      if (name.endsWith("/" + LedgerLayout.DOCUMENT) || name.equals(root + LedgerLayout.DOCUMENT)) {
        String shard =
            name.substring(documentPrefix.length(), name.length() - LedgerLayout.DOCUMENT.length());
        if (LedgerLayout.shardOfFolder(shard).equals(shard)) {
          shards.add(shard);
        }
      }
    }
    return shards;
  }

  private static void checkFolder(String folderPrefix) {
    if (!folderPrefix.isEmpty() && !folderPrefix.endsWith("/")) {
      throw new IllegalArgumentException("folder must end with '/': " + folderPrefix);
    }
  }
}
