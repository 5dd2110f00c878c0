package dev.scenegate.verify;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hashing threads shared by every verification a process runs at once, as a function instance
 * serving concurrent requests does: at most {@code threads} files are read and hashed at a time,
 * each through its thread's one buffer, so threads, buffers and open downloads are bounded by the
 * pool, not by the number of requests. More work queues (first come, first served). Idle threads
 * end after a minute, so an idle instance holds none.
 */
public final class HashingPool {
  private static final Map<Integer, HashingPool> SHARED = new ConcurrentHashMap<>();

  private final ThreadPoolExecutor executor;
  private final ThreadLocal<byte[]> buffers =
      ThreadLocal.withInitial(() -> new byte[Sha256.BUFFER_BYTES]);

  private HashingPool(int threads) {
    AtomicInteger number = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "scenegate-hash-" + number.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /** The process's pool of {@code threads} threads, created on first use. */
  public static HashingPool shared(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1");
    }
    return SHARED.computeIfAbsent(threads, HashingPool::new);
  }

  public int threads() {
    return executor.getMaximumPoolSize();
  }

  /** Threads alive now (for tests and diagnostics). */
  int liveThreads() {
    return executor.getPoolSize();
  }

  /** {@link BoundedPool#map}, on this pool's threads. */
  public <T, R> List<R> map(List<T> items, String name, BoundedPool.Task<T, R> task)
      throws IOException {
    return BoundedPool.mapOn(executor, buffers, items, name, task);
  }
}
