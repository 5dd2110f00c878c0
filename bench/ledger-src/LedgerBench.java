import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.ledger.DigestRecord;
import dev.scenegate.storage.LocalObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Size and compare-and-set contention of one ledger document (run by bench/ledger). */
public class LedgerBench {
  static final Instant AT = Instant.parse("2026-12-01T12:00:00Z");

  public static void main(String[] args) throws Exception {
    int files = Integer.parseInt(args[0]);
    Path dir = Files.createTempDirectory("ledger-bench");
    DigestLedger ledger = DigestLedger.local(new LocalObjectStore(dir));
    List<DigestRecord> records = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      records.add(record("scenes/kitchen_001/assets/obj_" + i + "/asset_" + i + ".glb", i));
    }
    long t0 = System.nanoTime();
    ledger.record(records);
    long writeMs = (System.nanoTime() - t0) / 1_000_000;
    Path doc = dir.resolve("_scenegate/digests/scenes/kitchen_001/assets/digests.json");
    long bytes = Files.size(doc);
    // Best of five: the first read pays for class loading and the JIT.
    // CPU time, not wall time: the figure should not depend on a busy neighbour.
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    long readMs = Long.MAX_VALUE;
    int read = 0;
    for (int i = 0; i < 5; i++) {
      t0 = cpu.getCurrentThreadCpuTime();
      read = ledger.read("scenes/kitchen_001/assets/").size();
      readMs = Math.min(readMs, (cpu.getCurrentThreadCpuTime() - t0) / 1_000_000);
    }
    System.out.printf(
        "size: %d records in one shard document: %d bytes (%.0f bytes/record); write %d ms (first, wall), read %d ms CPU (best of 5; %d records)%n",
        files, bytes, (double) bytes / files, writeMs, readMs, read);
    for (int writers : new int[] {3, 8}) {
      contention(writers);
    }
  }

  /** {@code writers} verifiers of one scene folder, each recording its batch at the same instant. */
  static void contention(int writers) throws Exception {
    int rounds = 10;
    long writes = 0;
    long races = 0;
    for (int round = 0; round < rounds; round++) {
      Path dir = Files.createTempDirectory("ledger-race");
      List<DigestLedger> ledgers = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        ledgers.add(DigestLedger.local(new LocalObjectStore(dir)));
      }
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        DigestLedger ledger = ledgers.get(w);
        int writer = w;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  List<DigestRecord> batch = new ArrayList<>();
                  for (int i = 0; i < 64; i++) {
                    batch.add(record("scenes/k/assets/w" + writer + "/f" + i, i));
                  }
                  ledger.record(batch);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      int kept = DigestLedger.local(new LocalObjectStore(dir)).read("scenes/k/assets/").size();
      if (kept != writers * 64) {
        throw new AssertionError("lost records: " + kept + " of " + writers * 64);
      }
      for (DigestLedger ledger : ledgers) {
        writes += ledger.stats().writes();
        races += ledger.stats().racesLost();
      }
    }
    System.out.printf(
        "contention: %d writers x 64 records at once, %d rounds: %d writes, %d lost races (%.2f per write), no record lost%n",
        writers, rounds, writes, races, (double) races / writes);
  }

  static DigestRecord record(String object, int i) {
    return new DigestRecord(
        object,
        1764600000000000L + i,
        String.format("%064x", i),
        1048576L + i,
        "yZRlqg==",
        AT,
        "verify");
  }
}
