package dev.scenegate.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The ledger's contract, run against the embedded default's folder and fake-gcs-server. */
abstract class DigestLedgerContract {
  static final Instant AT = Instant.parse("2026-12-01T12:00:00Z");
  static final String SHA_A = "a".repeat(64);
  static final String SHA_B = "b".repeat(64);

  /** A fresh, empty store; objects and the ledger share it, as in the embedded default. */
  protected abstract ObjectStore store();

  protected abstract DigestLedger ledger(ObjectStore store);

  private static ObjectInfo put(ObjectStore store, String name, String content) throws Exception {
    return store.write(
        name,
        content.getBytes(StandardCharsets.UTF_8),
        "application/octet-stream",
        Map.of(),
        Precondition.none());
  }

  @Test
  void aRecordIsReusedForTheGenerationItNames() throws Exception {
    ObjectStore store = store();
    ObjectInfo asset = put(store, "scenes/k/assets/obj_1/a.glb", "mesh");
    ObjectInfo listed = store.stat(asset.name()).orElseThrow();
    DigestLedger ledger = ledger(store);
    ledger.record(List.of(DigestRecord.of(listed, SHA_A, DigestRecord.BY_VERIFY, AT)));

    LedgerView view = ledger.read("scenes/k/assets/");
    assertEquals(SHA_A, view.reusable(listed).orElseThrow().sha256());
    assertEquals(1, view.documentsRead());
  }

  @Test
  void aReplacedObjectIsReadAgain() throws Exception {
    ObjectStore store = store();
    ObjectInfo first = put(store, "scenes/k/assets/a.glb", "mesh");
    DigestLedger ledger = ledger(store);
    ledger.record(List.of(DigestRecord.of(stat(store, first), SHA_A, "verify", AT)));
    ObjectInfo second = stat(store, put(store, "scenes/k/assets/a.glb", "other mesh"));
    assertTrue(second.generation() != first.generation());

    LedgerView view = ledger.read("scenes/k/assets/");
    assertFalse(view.reusable(second).isPresent());
    assertEquals(first.generation(), view.recorded(second.name()).orElseThrow().generation());
  }

  @Test
  void aForgedRecordForAnotherChecksumOrSizeIsNotTrusted() throws Exception {
    ObjectStore store = store();
    ObjectInfo asset = stat(store, put(store, "scenes/k/assets/a.glb", "mesh"));
    DigestLedger ledger = ledger(store);
    ledger.record(
        List.of(
            new DigestRecord(
                asset.name(), asset.generation(), SHA_A, asset.size(), "AAAAAA==", AT, "verify")));
    assertFalse(ledger.read("scenes/k/assets/").reusable(asset).isPresent());

    ledger.record(
        List.of(
            new DigestRecord(
                asset.name(),
                asset.generation(),
                SHA_A,
                asset.size() + 1,
                asset.crc32c(),
                AT,
                "verify")));
    assertFalse(ledger.read("scenes/k/assets/").reusable(asset).isPresent());
  }

  @Test
  void theNewestGenerationWinsWhateverTheOrderAndSupersededOnesArePruned() throws Exception {
    ObjectStore store = store();
    DigestLedger ledger = ledger(store);
    ledger.record(List.of(new DigestRecord("scenes/k/assets/a.glb", 20, SHA_B, 1, null, AT, "v")));
    ledger.record(List.of(new DigestRecord("scenes/k/assets/a.glb", 10, SHA_A, 1, null, AT, "v")));
    LedgerView view = ledger.read("scenes/k/assets/");
    assertEquals(20, view.recorded("scenes/k/assets/a.glb").orElseThrow().generation());
    assertEquals(1, view.size());
  }

  @Test
  void concurrentWritersLoseNoRecord() throws Exception {
    ObjectStore store = store();
    int writers = 4;
    int each = 3;
    List<Callable<Object>> tasks = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      tasks.add(
          () -> {
            DigestLedger ledger = ledger(store);
            for (int i = 0; i < each; i++) {
              ledger.record(
                  List.of(
                      new DigestRecord(
                          "scenes/k/assets/w" + writer + "/f" + i, 1, SHA_A, 1, null, AT, "v")));
            }
            return null;
          });
    }
    race(tasks);
    assertEquals(writers * each, ledger(store).read("scenes/k/assets/").size());
  }

  @Test
  void pruningDropsRecordsOfObjectsGoneOrSuperseded() throws Exception {
    ObjectStore store = store();
    ObjectInfo kept = stat(store, put(store, "scenes/k/assets/kept.glb", "kept"));
    ObjectInfo replaced = stat(store, put(store, "scenes/k/assets/replaced.glb", "one"));
    DigestLedger ledger = ledger(store);
    ledger.record(
        List.of(
            DigestRecord.of(kept, SHA_A, "verify", AT),
            DigestRecord.of(replaced, SHA_A, "verify", AT),
            new DigestRecord("scenes/k/assets/deleted.glb", 5, SHA_A, 1, null, AT, "verify"),
            new DigestRecord("scenes/k/other/x.glb", 5, SHA_A, 1, null, AT, "verify")));
    put(store, "scenes/k/assets/replaced.glb", "two");

    ledger.prune(
        "scenes/k/assets/",
        store.list("scenes/k/assets/").stream().filter(o -> !o.name().startsWith("_")).toList());

    LedgerView assets = ledger.read("scenes/k/assets/");
    assertEquals(List.of("scenes/k/assets/kept.glb"), names(assets, kept, replaced));
    assertEquals(1, ledger.read("scenes/k/other/").size());
  }

  @Test
  void aFolderAboveTheShardsReadsEveryShardBelowIt() throws Exception {
    ObjectStore store = store();
    DigestLedger ledger = ledger(store);
    ledger.record(
        List.of(
            new DigestRecord("scenes/k/assets/a.glb", 1, SHA_A, 1, null, AT, "v"),
            new DigestRecord("scenes/k/usd/b.usd", 1, SHA_A, 1, null, AT, "v"),
            new DigestRecord("scenes/k/config.json", 1, SHA_A, 1, null, AT, "v"),
            new DigestRecord("scenes/other/assets/c.glb", 1, SHA_A, 1, null, AT, "v")));
    LedgerView scene = ledger.read("scenes/k/");
    assertEquals(3, scene.size());
    assertEquals(3, scene.documentsRead());
    assertEquals(4, ledger.read("").size());
  }

  @Test
  void anUnreadableDocumentIsTrustedForNothingAndRewritten() throws Exception {
    ObjectStore store = store();
    DigestLedger ledger = ledger(store);
    String document = ledger.documentName("scenes/k/assets/");
    put(store, document, "{not json");
    assertEquals(0, ledger.read("scenes/k/assets/").size());
    ledger.record(List.of(new DigestRecord("scenes/k/assets/a.glb", 1, SHA_A, 1, null, AT, "v")));
    assertEquals(1, ledger.read("scenes/k/assets/").size());
  }

  @Test
  void aRecordForAnotherShardSmuggledIntoADocumentIsDropped() throws Exception {
    ObjectStore store = store();
    DigestLedger ledger = ledger(store);
    String document = ledger.documentName("scenes/k/assets/");
    put(
        store,
        document,
        "{\"schema_version\":\"1.0\",\"shard\":\"scenes/k/assets/\",\"records\":["
            + "{\"object\":\"scenes/evil/assets/a.glb\",\"generation\":\"1\",\"sha256\":\""
            + SHA_A
            + "\",\"size_bytes\":1,\"computed_at\":\"2026-12-01T00:00:00Z\",\"by\":\"v\"},"
            + "{\"object\":\"scenes/k/assets/b.glb\",\"generation\":\"1\",\"sha256\":\""
            + SHA_A
            + "\",\"size_bytes\":1,\"computed_at\":\"2026-12-01T00:00:00Z\",\"by\":\"v\"},"
            + "{\"object\":\"scenes/k/assets/c.glb\",\"generation\":\"1\",\"sha256\":\"XYZ\","
            + "\"size_bytes\":1,\"computed_at\":\"2026-12-01T00:00:00Z\",\"by\":\"v\"}]}");
    LedgerView view = ledger.read("scenes/k/assets/");
    assertEquals(1, view.size());
    assertTrue(view.recorded("scenes/k/assets/b.glb").isPresent());
  }

  @Test
  void aDisabledLedgerReusesAndRecordsNothing() throws Exception {
    DigestLedger disabled = DigestLedger.disabled();
    disabled.record(List.of(new DigestRecord("a/b", 1, SHA_A, 1, null, AT, "v")));
    assertEquals(0, disabled.read("a/").size());
    assertFalse(disabled.enabled());
  }

  private static List<String> names(LedgerView view, ObjectInfo... candidates) {
    List<String> names = new ArrayList<>();
    for (ObjectInfo candidate : candidates) {
      view.recorded(candidate.name()).ifPresent(r -> names.add(r.object()));
    }
    return names;
  }

  private static ObjectInfo stat(ObjectStore store, ObjectInfo written) throws Exception {
    return store.stat(written.name()).orElseThrow();
  }

  private static void race(List<Callable<Object>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Object>> futures = new ArrayList<>();
      for (Callable<Object> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      for (Future<Object> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
