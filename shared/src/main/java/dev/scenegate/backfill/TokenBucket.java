package dev.scenegate.backfill;

import java.io.InterruptedIOException;

/**
 * A token bucket over bytes: tokens refill at {@code rate} per second up to {@code burst}; a read
 * takes as many tokens as bytes it read, going into debt if need be, and the reader sleeps until
 * the debt is repaid. Concurrent readers queue behind each other's debt, so the total rate across
 * threads holds. The bucket starts empty, so a measured rate does not begin with a free burst. Time
 * and sleeping are injected so tests run on a fake clock.
 */
public final class TokenBucket implements RateLimiter {

  /** Monotonic nanoseconds. */
  @FunctionalInterface
  public interface Ticker {
    long nanos();
  }

  @FunctionalInterface
  public interface Sleeper {
    void sleepNanos(long nanos) throws InterruptedException;
  }

  private final long bytesPerSecond;
  private final double burst;
  private final Ticker ticker;
  private final Sleeper sleeper;
  private double tokens;
  private long last;

  public TokenBucket(long bytesPerSecond, long burstBytes, Ticker ticker, Sleeper sleeper) {
    if (bytesPerSecond < 1 || burstBytes < 1) {
      throw new IllegalArgumentException("rate and burst must be positive");
    }
    this.bytesPerSecond = bytesPerSecond;
    this.burst = burstBytes;
    this.ticker = ticker;
    this.sleeper = sleeper;
    this.last = ticker.nanos();
  }

  /** A bucket on the system clock with a burst of a tenth of a second's worth (at least 64 KiB). */
  public static TokenBucket of(ByteRate rate) {
    long burst = Math.max(64 * 1024, rate.bytesPerSecond() / 10);
    return new TokenBucket(
        rate.bytesPerSecond(),
        burst,
        System::nanoTime,
        nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
  }

  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  @Override
  public void acquire(long bytes) throws InterruptedIOException {
    long waitNanos = reserve(bytes);
    if (waitNanos > 0) {
      try {
        sleeper.sleepNanos(waitNanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while rate-limited");
      }
    }
  }

  /** Takes {@code bytes} tokens now and returns how long the caller must wait to repay any debt. */
  synchronized long reserve(long bytes) {
    long now = ticker.nanos();
    tokens = Math.min(burst, tokens + (now - last) * (bytesPerSecond / 1e9));
    last = now;
    tokens -= bytes;
    if (tokens >= 0) {
      return 0;
    }
    return (long) Math.ceil(-tokens * 1e9 / bytesPerSecond);
  }

  /** Reads of about 50 ms' worth keep pacing smooth when the rate is low. */
  @Override
  public int chunkBytes(int bufferBytes) {
    long twentieth = Math.max(8 * 1024, bytesPerSecond / 20);
    return (int) Math.min(bufferBytes, twentieth);
  }
}
