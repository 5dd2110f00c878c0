package dev.scenegate.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.scenegate.retry.Backoff;
import dev.scenegate.testing.ForwardingObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The {@link ObjectStore} contract, run against every adapter (local folder and Cloud Storage via
 * fake-gcs-server), so the embedded default and production behave the same.
 */
public abstract class ObjectStoreContract {

  /**
   * Whether the store under test enforces metageneration preconditions. Production stores must;
   * fake-gcs-server (v1.55.1) does not: it reports metageneration 1 forever and ignores
   * ifMetagenerationMatch on PATCH, so those cases run only where the store can honour them.
   */
  protected boolean enforcesMetageneration() {
    return true;
  }

  /**
   * Whether the store enforces if-generation-match on delete. Production stores must;
   * fake-gcs-server (v1.55.1) deletes regardless, so that half of the delete contract runs where it
   * can.
   */
  protected boolean enforcesDeletePrecondition() {
    return true;
  }

  protected String metagenerationGap() {
    return "store does not enforce metageneration preconditions";
  }

  /** A fresh, empty store for each test. */
  protected abstract ObjectStore store() throws Exception;

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static ObjectInfo put(ObjectStore store, String name, String text) throws IOException {
    return store.write(name, bytes(text), "text/plain", Map.of(), Precondition.none());
  }

  private static byte[] readAll(ObjectStore store, String name, long generation)
      throws IOException {
    try (InputStream in = store.open(name, generation)) {
      return in.readAllBytes();
    }
  }

  @Test
  void statOfAMissingObjectIsEmpty() throws Exception {
    assertTrue(store().stat("nope/none.txt").isEmpty());
  }

  @Test
  void writeThenStatDescribesTheObject() throws Exception {
    ObjectStore store = store();
    byte[] data = bytes("hello, scene");
    ObjectInfo written =
        store.write(
            "scenes/s1/a.txt", data, "text/plain", Map.of("k", "v"), Precondition.doesNotExist());
    ObjectInfo stat = store.stat("scenes/s1/a.txt").orElseThrow();
    assertEquals("scenes/s1/a.txt", stat.name());
    assertEquals(data.length, stat.size());
    assertEquals(written.generation(), stat.generation());
    assertTrue(stat.generation() > 0, "generation is positive");
    assertEquals(1, stat.metageneration());
    assertEquals(Map.of("k", "v"), stat.metadata());
    if (stat.crc32c() != null) {
      CRC32C crc = new CRC32C();
      crc.update(data);
      assertEquals(Crc32cCheckingInputStream.encode(crc.getValue()), stat.crc32c());
    }
    if (stat.md5() != null) {
      assertEquals(
          Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(data)),
          stat.md5());
    }
    assertArrayEquals(data, readAll(store, "scenes/s1/a.txt", stat.generation()));
  }

  @Test
  void generationChangesOnEveryWrite() throws Exception {
    ObjectStore store = store();
    long g1 = put(store, "o", "one").generation();
    long g2 = put(store, "o", "two").generation();
    long g3 = put(store, "o", "two").generation();
    assertTrue(g1 < g2 && g2 < g3, g1 + " < " + g2 + " < " + g3);
    assertEquals(g3, store.stat("o").orElseThrow().generation());
  }

  @Test
  void createOnlyConflictsWhenTheObjectExists() throws Exception {
    ObjectStore store = store();
    store.write("o", bytes("first"), null, Map.of(), Precondition.doesNotExist());
    assertThrows(
        PreconditionFailedException.class,
        () -> store.write("o", bytes("second"), null, Map.of(), Precondition.doesNotExist()));
    ObjectInfo info = store.stat("o").orElseThrow();
    assertArrayEquals(bytes("first"), readAll(store, "o", info.generation()));
  }

  @Test
  void generationMatchIsACompareAndSet() throws Exception {
    ObjectStore store = store();
    long g1 = put(store, "o", "one").generation();
    long g2 =
        store
            .write("o", bytes("two"), null, Map.of(), Precondition.generationMatch(g1))
            .generation();
    PreconditionFailedException conflict =
        assertThrows(
            PreconditionFailedException.class,
            () ->
                store.write("o", bytes("three"), null, Map.of(), Precondition.generationMatch(g1)));
    assertEquals("o", lastSegment(conflict.object()));
    ObjectInfo info = store.stat("o").orElseThrow();
    assertEquals(g2, info.generation());
    assertArrayEquals(bytes("two"), readAll(store, "o", g2));
  }

  @Test
  void generationMatchZeroMeansTheObjectMustNotExist() throws Exception {
    ObjectStore store = store();
    store.write("o", bytes("one"), null, Map.of(), Precondition.generationMatch(0));
    assertThrows(
        PreconditionFailedException.class,
        () -> store.write("o", bytes("two"), null, Map.of(), Precondition.generationMatch(0)));
  }

  @Test
  void generationMatchOnAMissingObjectConflicts() throws Exception {
    ObjectStore store = store();
    assertThrows(
        PreconditionFailedException.class,
        () -> store.write("o", bytes("x"), null, Map.of(), Precondition.generationMatch(12345)));
    assertTrue(store.stat("o").isEmpty());
  }

  @Test
  void metadataUpdateMergesAndKeepsTheContentGeneration() throws Exception {
    ObjectStore store = store();
    ObjectInfo written =
        store.write("o", bytes("x"), null, Map.of("a", "1", "b", "2"), Precondition.none());
    ObjectInfo updated = store.updateMetadata("o", Map.of("b", "3", "c", "4"), 1);
    assertEquals(written.generation(), updated.generation(), "content generation unchanged");
    assertEquals(Map.of("a", "1", "b", "3", "c", "4"), updated.metadata());
    ObjectInfo stat = store.stat("o").orElseThrow();
    assertEquals(updated.metadata(), stat.metadata());
    assertEquals(written.generation(), stat.generation());
    assertArrayEquals(bytes("x"), readAll(store, "o", stat.generation()));
  }

  @Test
  void metadataUpdateIsGuardedByTheMetageneration() throws Exception {
    assumeTrue(enforcesMetageneration(), metagenerationGap());
    ObjectStore store = store();
    store.write("o", bytes("x"), null, Map.of("a", "1"), Precondition.none());
    ObjectInfo updated = store.updateMetadata("o", Map.of("b", "2"), 1);
    assertEquals(2, updated.metageneration());
    assertEquals(2, store.stat("o").orElseThrow().metageneration());
    assertThrows(
        PreconditionFailedException.class, () -> store.updateMetadata("o", Map.of("c", "3"), 1));
    ObjectInfo stat = store.stat("o").orElseThrow();
    assertEquals(2, stat.metageneration());
    assertEquals(Map.of("a", "1", "b", "2"), stat.metadata());
    assertEquals(3, store.updateMetadata("o", Map.of("c", "3"), 2).metageneration());
  }

  @Test
  void metadataUpdateWithEmptyValueRemovesTheKey() throws Exception {
    ObjectStore store = store();
    store.write("o", bytes("x"), null, Map.of("a", "1", "b", "2"), Precondition.none());
    assertEquals(Map.of("b", "2"), store.updateMetadata("o", Map.of("a", ""), 1).metadata());
    assertEquals(Map.of("b", "2"), store.stat("o").orElseThrow().metadata());
  }

  @Test
  void metadataUpdateWithNullRemovesTheKey() throws Exception {
    ObjectStore store = store();
    store.write("o", bytes("x"), null, Map.of("a", "1", "b", "2"), Precondition.none());
    Map<String, String> patch = new HashMap<>();
    patch.put("a", null);
    ObjectInfo updated = store.updateMetadata("o", patch, 1);
    assertEquals(Map.of("b", "2"), updated.metadata());
    assertEquals(Map.of("b", "2"), store.stat("o").orElseThrow().metadata());
  }

  @Test
  void metadataUpdateOfAMissingObjectIsNoSuchFile() throws Exception {
    ObjectStore store = store();
    assertThrows(NoSuchFileException.class, () -> store.updateMetadata("o", Map.of("a", "1"), 1));
  }

  @Test
  void aNewGenerationStartsWithoutTheOldMetadata() throws Exception {
    ObjectStore store = store();
    store.write("o", bytes("one"), null, Map.of("a", "1"), Precondition.none());
    store.updateMetadata("o", Map.of("b", "2"), 1);
    ObjectInfo rewritten = put(store, "o", "two");
    ObjectInfo stat = store.stat("o").orElseThrow();
    assertEquals(Map.of(), stat.metadata());
    assertEquals(1, stat.metageneration());
    assertEquals(rewritten.generation(), stat.generation());
  }

  @Test
  void readingAReplacedGenerationIsNoSuchFile() throws Exception {
    ObjectStore store = store();
    long old = put(store, "o", "one").generation();
    long current = put(store, "o", "two").generation();
    assertNotEquals(old, current);
    assertThrows(NoSuchFileException.class, () -> readAll(store, "o", old));
    assertThrows(NoSuchFileException.class, () -> store.readSmall("o", old, 100));
    assertArrayEquals(bytes("two"), readAll(store, "o", current));
  }

  @Test
  void deleteIsGuardedByTheGeneration() throws Exception {
    ObjectStore store = store();
    long old = put(store, "d/.failed", "one").generation();
    long current = put(store, "d/.failed", "two").generation();
    if (enforcesDeletePrecondition()) {
      assertThrows(PreconditionFailedException.class, () -> store.delete("d/.failed", old));
      assertTrue(store.stat("d/.failed").isPresent());
    }
    store.delete("d/.failed", current);
    assertTrue(store.stat("d/.failed").isEmpty());
    assertTrue(store.list("d/").isEmpty());
    assertThrows(NoSuchFileException.class, () -> store.delete("d/.failed", current));
  }

  @Test
  void openingAMissingObjectIsNoSuchFile() throws Exception {
    ObjectStore store = store();
    assertThrows(NoSuchFileException.class, () -> readAll(store, "missing/a.bin", 1));
  }

  @Test
  void largeObjectsStreamExactly() throws Exception {
    ObjectStore store = store();
    byte[] data = new byte[5 * 1024 * 1024 + 17];
    new Random(42).nextBytes(data);
    long generation =
        store.write("big.bin", data, null, Map.of(), Precondition.none()).generation();
    MessageDigest expected = MessageDigest.getInstance("SHA-256");
    MessageDigest actual = MessageDigest.getInstance("SHA-256");
    expected.update(data);
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    try (InputStream in = store.open("big.bin", generation)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        actual.update(buffer, 0, n);
        total += n;
      }
    }
    assertEquals(data.length, total);
    assertArrayEquals(expected.digest(), actual.digest());
  }

  private static byte[] readRange(
      ObjectStore store, String name, long generation, long offset, long length)
      throws IOException {
    try (InputStream in = store.openRange(name, generation, offset, length)) {
      return in.readAllBytes();
    }
  }

  @Test
  void rangedReadsReturnExactlyTheirBytes() throws Exception {
    ObjectStore store = store();
    byte[] data = new byte[3 * 1024 * 1024 + 5];
    new Random(7).nextBytes(data);
    long generation =
        store.write("ranged.bin", data, null, Map.of(), Precondition.none()).generation();
    long[][] ranges = {
      {0, 1}, {0, data.length}, {1, 1024}, {1024 * 1024 - 1, 1024 * 1024 + 3}, {data.length - 1, 1}
    };
    for (long[] range : ranges) {
      int from = (int) range[0];
      int to = (int) (range[0] + range[1]);
      assertArrayEquals(
          java.util.Arrays.copyOfRange(data, from, to),
          readRange(store, "ranged.bin", generation, range[0], range[1]),
          "range " + range[0] + "+" + range[1]);
    }
  }

  @Test
  void aRangeReachingPastTheEndStopsAtTheEnd() throws Exception {
    ObjectStore store = store();
    long generation = put(store, "short.txt", "0123456789").generation();
    assertArrayEquals(bytes("789"), readRange(store, "short.txt", generation, 7, 100));
    assertArrayEquals(new byte[0], readRange(store, "short.txt", generation, 3, 0));
  }

  @Test
  void aRangeOfAReplacedGenerationIsNoSuchFile() throws Exception {
    ObjectStore store = store();
    long old = put(store, "o", "one one one").generation();
    long current = put(store, "o", "two two two").generation();
    assertThrows(NoSuchFileException.class, () -> readRange(store, "o", old, 4, 3));
    assertThrows(NoSuchFileException.class, () -> readRange(store, "o", old, 0, 0));
    assertArrayEquals(bytes("two"), readRange(store, "o", current, 4, 3));
  }

  @Test
  void aRangeOfAMissingObjectIsNoSuchFile() throws Exception {
    ObjectStore store = store();
    assertThrows(NoSuchFileException.class, () -> readRange(store, "missing/a.bin", 1, 0, 10));
  }

  @Test
  void aRangeNeedsAPinnedGeneration() throws Exception {
    ObjectStore store = store();
    put(store, "o", "one");
    assertThrows(IllegalArgumentException.class, () -> store.openRange("o", 0, 0, 1));
  }

  @Test
  void listReturnsObjectsUnderAPrefixSortedByName() throws Exception {
    ObjectStore store = store();
    for (String name : List.of("a/2", "b/1", "a/10", "a/1", "ab", "a/sub/x")) {
      put(store, name, name);
    }
    assertEquals(
        List.of("a/1", "a/10", "a/2", "a/sub/x"),
        store.list("a/").stream().map(ObjectInfo::name).toList());
    assertEquals(
        List.of("a/1", "a/10", "a/2", "a/sub/x", "ab"),
        store.list("a").stream().map(ObjectInfo::name).toList());
    assertEquals(6, store.list("").size());
    assertEquals(List.of(), store.list("zzz/"));
    ObjectInfo listed = store.list("a/1").get(0);
    assertEquals(store.stat("a/1").orElseThrow().generation(), listed.generation());
    assertEquals(3, listed.size());
  }

  @Test
  void readSmallHonoursItsCap() throws Exception {
    ObjectStore store = store();
    long generation = put(store, "m.json", "{\"a\":1}").generation();
    assertArrayEquals(bytes("{\"a\":1}"), store.readSmall("m.json", generation, 7));
    assertThrows(ObjectTooLargeException.class, () -> store.readSmall("m.json", generation, 6));
  }

  @Test
  void concurrentCreateOnlyWritesHaveExactlyOneWinner() throws Exception {
    ObjectStore store = store();
    int writers = 6;
    List<Object> outcomes =
        race(
            writers,
            i ->
                () -> {
                  try {
                    return store.write(
                        "lock", bytes("w" + i), null, Map.of(), Precondition.doesNotExist());
                  } catch (PreconditionFailedException e) {
                    return e;
                  }
                });
    assertEquals(
        1, outcomes.stream().filter(o -> o instanceof ObjectInfo).count(), outcomes.toString());
    assertEquals(
        writers - 1,
        outcomes.stream().filter(o -> o instanceof PreconditionFailedException).count());
  }

  @Test
  void compareAndSetLoopsLoseNoUpdate() throws Exception {
    ObjectStore store = store();
    put(store, "counter", "0");
    int workers = 4;
    int increments = 5;
    race(
        workers,
        i ->
            () -> {
              for (int done = 0; done < increments; ) {
                ObjectInfo info = store.stat("counter").orElseThrow();
                int value;
                try {
                  value =
                      Integer.parseInt(
                          new String(
                              store.readSmall("counter", info.generation(), 64),
                              StandardCharsets.UTF_8));
                } catch (NoSuchFileException e) {
                  continue; // replaced between stat and read: re-read
                }
                try {
                  store.write(
                      "counter",
                      bytes(Integer.toString(value + 1)),
                      null,
                      Map.of(),
                      Precondition.generationMatch(info.generation()));
                  done++;
                } catch (PreconditionFailedException e) {
                  // Lost the race: re-read and retry.
                }
              }
              return null;
            });
    ObjectInfo info = store.stat("counter").orElseThrow();
    assertEquals(
        Integer.toString(workers * increments),
        new String(store.readSmall("counter", info.generation(), 64), StandardCharsets.UTF_8));
  }

  @Test
  void readCurrentOfAMissingObjectIsEmpty() throws Exception {
    assertTrue(store().readCurrent("nothing/here", 64).isEmpty());
  }

  @Test
  void readCurrentReturnsTheBytesOfTheGenerationItReports() throws Exception {
    ObjectStore store = store();
    put(store, "doc.json", "one");
    ObjectInfo second = put(store, "doc.json", "two");
    ObjectContent current = store.readCurrent("doc.json", 64).orElseThrow();
    assertEquals(second.generation(), current.generation());
    assertArrayEquals(bytes("two"), current.bytes());
  }

  @Test
  void readCurrentLooksAgainWhenTheObjectIsReplacedBetweenStatAndRead() throws Exception {
    ObjectStore real = store();
    put(real, "doc.json", "first");
    AtomicInteger stats = new AtomicInteger();
    ObjectStore racing =
        new ForwardingObjectStore(real) {
          @Override
          public Optional<ObjectInfo> stat(String name) throws IOException {
            Optional<ObjectInfo> info = super.stat(name);
            if (stats.incrementAndGet() == 1) {
              put(real, name, "second"); // replaced right after this stat
            }
            return info;
          }
        };
    ObjectContent current = racing.readCurrent("doc.json", 64).orElseThrow();
    assertArrayEquals(bytes("second"), current.bytes());
    assertEquals(real.stat("doc.json").orElseThrow().generation(), current.generation());
    assertEquals(2, stats.get());
  }

  @Test
  void readCurrentGivesUpOnAnObjectReplacedOnEveryLook() throws Exception {
    ObjectStore real = store();
    put(real, "doc.json", "0");
    AtomicInteger stats = new AtomicInteger();
    ObjectStore racing =
        new ForwardingObjectStore(real) {
          @Override
          public Optional<ObjectInfo> stat(String name) throws IOException {
            Optional<ObjectInfo> info = super.stat(name);
            put(real, name, Integer.toString(stats.incrementAndGet()));
            return info;
          }
        };
    assertThrows(TransientStorageException.class, () -> racing.readCurrent("doc.json", 64));
    assertEquals(ObjectStore.READ_CURRENT_ATTEMPTS, stats.get());
  }

  @Test
  void readCurrentOfAnObjectDeletedBetweenStatAndReadIsEmpty() throws Exception {
    ObjectStore real = store();
    ObjectInfo written = put(real, "doc.json", "gone soon");
    ObjectStore racing =
        new ForwardingObjectStore(real) {
          @Override
          public Optional<ObjectInfo> stat(String name) throws IOException {
            Optional<ObjectInfo> info = super.stat(name);
            if (info.isPresent()) {
              real.delete(name, written.generation());
            }
            return info;
          }
        };
    assertTrue(racing.readCurrent("doc.json", 64).isEmpty());
  }

  @Test
  void readCurrentHonoursItsCap() throws Exception {
    ObjectStore store = store();
    put(store, "big.json", "0123456789");
    assertThrows(ObjectTooLargeException.class, () -> store.readCurrent("big.json", 4));
  }

  @Test
  void compareAndSetCreatesOnlyWhenAbsentAndKeepsWithoutWriting() throws Exception {
    ObjectStore store = store();
    CompareAndSet documents = CompareAndSet.json(store);
    CompareAndSet.Updated<String> created =
        documents.update(
            "doc.json",
            64,
            current ->
                current.isEmpty()
                    ? CompareAndSet.Change.write(bytes("new"), "created")
                    : CompareAndSet.Change.keep("exists"));
    assertEquals("created", created.result());
    assertEquals(store.stat("doc.json").orElseThrow().generation(), created.written().generation());
    CompareAndSet.Updated<String> kept =
        documents.update(
            "doc.json",
            64,
            current ->
                current.isEmpty()
                    ? CompareAndSet.Change.write(bytes("new"), "created")
                    : CompareAndSet.Change.keep("exists"));
    assertEquals("exists", kept.result());
    assertEquals(null, kept.written());
    assertEquals(created.written().generation(), store.stat("doc.json").orElseThrow().generation());
  }

  @Test
  void compareAndSetHelperLosesNoUpdate() throws Exception {
    ObjectStore store = store();
    CompareAndSet counter =
        new CompareAndSet(
            store,
            "text/plain",
            Backoff.exponential(Duration.ZERO, Duration.ZERO).withMaxAttempts(1000));
    int workers = 4;
    int increments = 5;
    race(
        workers,
        i ->
            () -> {
              for (int done = 0; done < increments; done++) {
                counter.update(
                    "counter",
                    64,
                    current -> {
                      int value =
                          current.isEmpty()
                              ? 0
                              : Integer.parseInt(
                                  new String(current.get().bytes(), StandardCharsets.UTF_8));
                      return CompareAndSet.Change.write(bytes(Integer.toString(value + 1)), null);
                    });
              }
              return null;
            });
    assertArrayEquals(
        bytes(Integer.toString(workers * increments)),
        store.readCurrent("counter", 64).orElseThrow().bytes());
  }

  @Test
  void compareAndSetBacksOffAndGivesUpAfterItsBoundedRaces() throws Exception {
    ObjectStore real = store();
    put(real, "doc.json", "0");
    AtomicInteger reads = new AtomicInteger();
    ObjectStore contended =
        new ForwardingObjectStore(real) {
          @Override
          public byte[] readSmall(String name, long generation, int maxBytes) throws IOException {
            byte[] data = super.readSmall(name, generation, maxBytes);
            // Another writer wins after every read.
            put(real, name, Integer.toString(reads.incrementAndGet()));
            return data;
          }
        };
    List<Duration> pauses = new ArrayList<>();
    Backoff backoff =
        Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1))
            .withMaxAttempts(3)
            .withSleeper(pauses::add);
    CompareAndSet documents = new CompareAndSet(contended, "text/plain", backoff);
    assertThrows(
        PreconditionFailedException.class,
        () -> documents.update("doc.json", 64, c -> CompareAndSet.Change.write(bytes("mine"), 1)));
    assertEquals(3, reads.get());
    assertEquals(List.of(Duration.ofMillis(10), Duration.ofMillis(20)), pauses);
  }

  @Test
  void compareAndSetTreatsAReadThatKeptChangingAsALostRace() throws Exception {
    ObjectStore real = store();
    put(real, "doc.json", "0");
    AtomicInteger unstableReads = new AtomicInteger(2);
    ObjectStore busy =
        new ForwardingObjectStore(real) {
          @Override
          public Optional<ObjectContent> readCurrent(String name, int maxBytes) throws IOException {
            if (unstableReads.getAndDecrement() > 0) {
              throw new ObjectKeptChangingException(name, READ_CURRENT_ATTEMPTS);
            }
            return super.readCurrent(name, maxBytes);
          }
        };
    List<Duration> pauses = new ArrayList<>();
    Backoff backoff =
        Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1))
            .withMaxAttempts(3)
            .withSleeper(pauses::add);
    CompareAndSet documents = new CompareAndSet(busy, "text/plain", backoff);
    CompareAndSet.Updated<Integer> updated =
        documents.update("doc.json", 64, c -> CompareAndSet.Change.write(bytes("mine"), 1));
    assertEquals(1, updated.result());
    assertArrayEquals(bytes("mine"), real.readCurrent("doc.json", 64).orElseThrow().bytes());
    assertEquals(List.of(Duration.ofMillis(10), Duration.ofMillis(20)), pauses);

    unstableReads.set(3);
    assertThrows(
        ObjectKeptChangingException.class,
        () -> documents.update("doc.json", 64, c -> CompareAndSet.Change.write(bytes("x"), 1)));
  }

  private interface TaskFactory {
    Callable<Object> task(int index);
  }

  private static List<Object> race(int threads, TaskFactory factory) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Object>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<Object> task = factory.task(i);
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<Object> results = new ArrayList<>();
      for (Future<Object> future : futures) {
        results.add(future.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static String lastSegment(String object) {
    return object.substring(object.lastIndexOf('/') + 1);
  }
}
