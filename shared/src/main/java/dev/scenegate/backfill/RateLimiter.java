package dev.scenegate.backfill;

import java.io.InterruptedIOException;

/** Paces reads: {@link #acquire} returns once {@code bytes} more may be read. */
public interface RateLimiter {

  /** Blocks until {@code bytes} may be (or have been) read; thread-safe. */
  void acquire(long bytes) throws InterruptedIOException;

  /** The largest read worth asking for at once, so pacing stays smooth at low rates. */
  default int chunkBytes(int bufferBytes) {
    return bufferBytes;
  }

  static RateLimiter unlimited() {
    return bytes -> {};
  }
}
