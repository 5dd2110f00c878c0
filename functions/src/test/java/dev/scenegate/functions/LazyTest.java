package dev.scenegate.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LazyTest {

  @Test
  void concurrentFirstUsesBuildOnceAndShareTheValue() throws Exception {
    AtomicInteger builds = new AtomicInteger();
    Lazy<Object> lazy =
        new Lazy<>(
            () -> {
              builds.incrementAndGet();
              return new Object();
            });
    int threads = 16;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Object>> values = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        values.add(
            pool.submit(
                () -> {
                  go.await();
                  return lazy.get();
                }));
      }
      assertFalse(lazy.isBuilt());
      go.countDown();
      Object first = values.get(0).get();
      for (Future<Object> value : values) {
        assertSame(first, value.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, builds.get());
    assertTrue(lazy.isBuilt());
  }

  @Test
  void aFailedBuildIsTriedAgainByTheNextUse() {
    AtomicInteger attempts = new AtomicInteger();
    Lazy<String> lazy =
        new Lazy<>(
            () -> {
              if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("credentials not ready");
              }
              return "client";
            });
    assertThrows(IllegalStateException.class, lazy::get);
    assertFalse(lazy.isBuilt());
    assertEquals("client", lazy.get());
    assertEquals("client", lazy.get());
    assertEquals(2, attempts.get());
  }
}
