package dev.scenegate.verify;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Maps I/O work over a list on at most {@code threads} threads, each with its own hashing buffer.
 * The first failure cancels the rest and is rethrown as it was.
 */
public final class BoundedPool {
  private BoundedPool() {}

  /** Work on one item with this thread's buffer. */
  @FunctionalInterface
  public interface Task<T, R> {
    R apply(T item, byte[] buffer) throws IOException;
  }

  public static <T, R> List<R> map(List<T> items, int threads, String name, Task<T, R> task)
      throws IOException {
    if (items.size() <= 1 || threads <= 1) {
      byte[] buffer = new byte[Sha256.BUFFER_BYTES];
      List<R> results = new ArrayList<>(items.size());
      for (T item : items) {
        results.add(task.apply(item, buffer));
      }
      return results;
    }
    AtomicInteger number = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(threads, items.size()),
            r -> {
              Thread t = new Thread(r, "scenegate-" + name + "-" + number.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[Sha256.BUFFER_BYTES]);
    try {
      return mapOn(pool, buffers, items, name, task);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs {@code task} over {@code items} on {@code pool} (each with its thread's buffer) and waits
   * for all; the first failure cancels this call's remaining work and is rethrown as it was.
   */
  static <T, R> List<R> mapOn(
      ExecutorService pool,
      ThreadLocal<byte[]> buffers,
      List<T> items,
      String name,
      Task<T, R> task)
      throws IOException {
    List<Future<R>> futures = new ArrayList<>(items.size());
    try {
      for (T item : items) {
        futures.add(pool.submit(() -> task.apply(item, buffers.get())));
      }
      List<R> results = new ArrayList<>(items.size());
      for (Future<R> future : futures) {
        results.add(future.get());
      }
      return results;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(name + " interrupted");
    } finally {
      for (Future<R> future : futures) {
        future.cancel(true); // no-op for the finished ones
      }
    }
  }
}
