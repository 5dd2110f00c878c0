package dev.scenegate.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scenegate.retry.Backoff;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalObjectStoreContractTest extends ObjectStoreContract {
  @TempDir Path root;

  @Override
  protected ObjectStore store() {
    return new LocalObjectStore(root);
  }

  /** Local mode and a sweep or redrive in one process each open their own store on the folder. */
  @Test
  void twoStoresOnOneFolderLoseNoCompareAndSetUpdate() throws Exception {
    int writers = 4;
    int increments = 10;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      CompareAndSet counter =
          new CompareAndSet(
              new LocalObjectStore(root),
              "text/plain",
              Backoff.exponential(Duration.ZERO, Duration.ZERO).withMaxAttempts(10_000));
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < increments; i++) {
                  counter.update(
                      "counter",
                      64,
                      current -> {
                        int value =
                            current.isEmpty()
                                ? 0
                                : Integer.parseInt(
                                    new String(current.get().bytes(), StandardCharsets.UTF_8));
                        return CompareAndSet.Change.write(
                            Integer.toString(value + 1).getBytes(StandardCharsets.UTF_8), null);
                      });
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    assertEquals(
        Integer.toString(writers * increments),
        new String(
            new LocalObjectStore(root).readCurrent("counter", 64).orElseThrow().bytes(),
            StandardCharsets.UTF_8));
  }
}
