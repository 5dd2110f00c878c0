package dev.scenegate.verify;

import java.io.InterruptedIOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed number of equal buffers shared by every sliced read of the process: their memory is
 * {@code count x size} however many reads run at once. Buffers are made on first need and then
 * reused, never more than {@code count}. Fair: a read waiting for its first buffer is served before
 * a running read takes one more.
 */
final class SliceBuffers {
  private final int count;
  private final int size;
  private final Semaphore permits;
  private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
  private final AtomicInteger allocated = new AtomicInteger();
  private final AtomicInteger peakInUse = new AtomicInteger();

  SliceBuffers(int count, int size) {
    if (count < 1 || size < 1) {
      throw new IllegalArgumentException("need at least one buffer of at least one byte");
    }
    this.count = count;
    this.size = size;
    this.permits = new Semaphore(count, true);
  }

  /** Waits for a buffer. Only for a caller that holds none (else two reads could wait forever). */
  byte[] acquire() throws InterruptedIOException {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for a slice buffer");
    }
    return take();
  }

  /** A buffer if one is free now (and nobody waits for one), else null. */
  byte[] tryAcquire() {
    try {
      // The timed form honours fairness; the untimed tryAcquire() would barge past waiters.
      return permits.tryAcquire(0, TimeUnit.NANOSECONDS) ? take() : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  void release(byte[] buffer) {
    free.add(buffer);
    permits.release();
  }

  private byte[] take() {
    peakInUse.accumulateAndGet(count - permits.availablePermits(), Math::max);
    byte[] buffer = free.poll();
    if (buffer == null) {
      allocated.incrementAndGet();
      buffer = new byte[size];
    }
    return buffer;
  }

  int capacity() {
    return count;
  }

  int bufferBytes() {
    return size;
  }

  /** Buffers ever made (for tests: never above {@link #capacity()}). */
  int allocated() {
    return allocated.get();
  }

  /** Most buffers handed out at once. */
  int peakInUse() {
    return peakInUse.get();
  }

  /** Buffers handed out now. */
  int inUse() {
    return count - permits.availablePermits();
  }
}
