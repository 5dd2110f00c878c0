package dev.scenegate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HashingPoolTest {

  @Test
  void concurrentCallersShareTheBoundedThreadsAndBuffers() throws Exception {
    HashingPool pool = HashingPool.shared(3);
    assertSame(pool, HashingPool.shared(3));
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    Set<byte[]> buffers =
        Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    int callers = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService requests = Executors.newFixedThreadPool(callers);
    try {
      List<Future<List<Integer>>> answers = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        int caller = c;
        answers.add(
            requests.submit(
                () -> {
                  go.await();
                  List<Integer> items = IntStream.range(0, 20).boxed().toList();
                  return pool.map(
                      items,
                      "test",
                      (item, buffer) -> {
                        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                        buffers.add(buffer);
                        Thread.onSpinWait();
                        running.decrementAndGet();
                        return caller * 100 + item;
                      });
                }));
      }
      go.countDown();
      for (int c = 0; c < callers; c++) {
        int caller = c;
        assertEquals(
            IntStream.range(0, 20).map(i -> caller * 100 + i).boxed().toList(),
            answers.get(c).get());
      }
    } finally {
      requests.shutdownNow();
    }
    assertTrue(mostAtOnce.get() <= 3, "at most 3 at once, saw " + mostAtOnce.get());
    assertTrue(buffers.size() <= 3, "one buffer per pool thread, saw " + buffers.size());
    assertTrue(pool.liveThreads() <= 3);
  }

  @Test
  void aFailureReachesItsCallerAndThePoolKeepsServing() throws Exception {
    HashingPool pool = HashingPool.shared(2);
    IOException thrown =
        assertThrows(
            IOException.class,
            () ->
                pool.map(
                    List.of(1, 2, 3),
                    "test",
                    (item, buffer) -> {
                      if (item == 2) {
                        throw new IOException("unreadable " + item);
                      }
                      return item;
                    }));
    assertEquals("unreadable 2", thrown.getMessage());
    assertEquals(List.of(2, 4, 6), pool.map(List.of(1, 2, 3), "test", (item, buffer) -> item * 2));
  }

  @Test
  void aPoolNeedsAThread() {
    assertThrows(IllegalArgumentException.class, () -> HashingPool.shared(0));
  }
}
