package dev.scenegate.retry;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How long to wait between attempts, and how many attempts there are: {@code base * 2^(attempt-1)},
 * capped at {@code max}, with a jitter fraction of it drawn at random so callers retrying together
 * spread out (0 = none, 0.5 = "equal jitter", 1 = "full jitter"). The one backoff rule of
 * scenegate; the random source and the sleeper are injectable so tests neither wait nor guess.
 */
public final class Backoff {

  /** Waits; tests pass one that records the pause instead. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private static final Sleeper THREAD_SLEEP =
      d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);

  private final Duration base;
  private final Duration max;
  private final int maxAttempts;
  private final double jitter;
  private final DoubleSupplier random;
  private final Sleeper sleeper;

  private Backoff(
      Duration base,
      Duration max,
      int maxAttempts,
      double jitter,
      DoubleSupplier random,
      Sleeper sleeper) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(max, "max");
    if (base.isNegative() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException("need 0 <= base <= max");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be within [0, 1]");
    }
    this.base = base;
    this.max = max;
    this.maxAttempts = maxAttempts;
    this.jitter = jitter;
    this.random = Objects.requireNonNull(random, "random");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /** Doubling from {@code base} up to {@code max}, no jitter, unbounded attempts. */
  public static Backoff exponential(Duration base, Duration max) {
    return new Backoff(
        base,
        max,
        Integer.MAX_VALUE,
        0,
        () -> ThreadLocalRandom.current().nextDouble(),
        THREAD_SLEEP);
  }

  /** At most {@code attempts} attempts in all (so {@code attempts - 1} pauses). */
  public Backoff withMaxAttempts(int attempts) {
    return new Backoff(base, max, attempts, jitter, random, sleeper);
  }

  /** The fraction of each delay drawn at random: 0 none, 0.5 equal jitter, 1 full jitter. */
  public Backoff withJitter(double fraction) {
    return new Backoff(base, max, maxAttempts, fraction, random, sleeper);
  }

  /** Where the jitter comes from: values in [0, 1). */
  public Backoff withRandom(DoubleSupplier source) {
    return new Backoff(base, max, maxAttempts, jitter, source, sleeper);
  }

  public Backoff withSleeper(Sleeper waits) {
    return new Backoff(base, max, maxAttempts, jitter, random, waits);
  }

  public Duration base() {
    return base;
  }

  public Duration max() {
    return max;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  /** Whether attempt number {@code attempt} (counted from 1) may still start. */
  public boolean allows(int attempt) {
    return attempt <= maxAttempts;
  }

  /** The pause after attempt {@code attempt} (counted from 1) failed, drawing its jitter. */
  public Duration delayAfter(int attempt) {
    return delayAfter(attempt, random.getAsDouble());
  }

  /** The pause after attempt {@code attempt} failed, for a given draw {@code random} in [0, 1). */
  public Duration delayAfter(int attempt, double random) {
    long baseNanos = base.toNanos();
    int shift = Math.min(Math.max(attempt - 1, 0), 62);
    long exponential = baseNanos > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : baseNanos << shift;
    long capped = Math.min(exponential, max.toNanos());
    long fixed = capped - (long) (capped * jitter);
    return Duration.ofNanos(fixed + (long) (random * (capped - fixed)));
  }

  /**
   * Sleeps the pause after attempt {@code attempt}. Interrupted: restores the flag and throws, so
   * I/O callers stop like an interrupted read.
   */
  public void pauseAfter(int attempt) throws InterruptedIOException {
    Duration delay = delayAfter(attempt);
    if (delay.isZero()) {
      return;
    }
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while backing off");
    }
  }

  @Override
  public String toString() {
    return "Backoff[base="
        + base
        + ", max="
        + max
        + ", maxAttempts="
        + maxAttempts
        + ", jitter="
        + jitter
        + "]";
  }
}
