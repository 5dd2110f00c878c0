package dev.scenegate.alerts;

import java.time.Duration;
import java.util.Objects;

/**
 * How long one delivery may try: each request gets at most {@code requestTimeout}; retries wait
 * {@code baseDelay * 2^(attempt-1)} (capped at {@code maxDelay}) with jitter; nothing starts after
 * {@code budget} has passed since the first attempt.
 */
public record RetryPolicy(
    Duration requestTimeout, Duration budget, Duration baseDelay, Duration maxDelay) {

  public static final RetryPolicy STANDARD =
      new RetryPolicy(
          Duration.ofSeconds(10),
          Duration.ofSeconds(45),
          Duration.ofMillis(500),
          Duration.ofSeconds(8));

  public RetryPolicy {
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(baseDelay, "baseDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be positive");
    }
    if (budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("budget must be positive");
    }
    if (baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException("need 0 <= baseDelay <= maxDelay");
    }
  }

  public static RetryPolicy of(
      Duration requestTimeout, Duration budget, Duration baseDelay, Duration maxDelay) {
    return new RetryPolicy(requestTimeout, budget, baseDelay, maxDelay);
  }

  /**
   * The pause before attempt {@code attempt + 1}: exponential, capped, with "equal jitter" (half
   * fixed, half random) so instances retrying together spread out. {@code random} in [0, 1).
   */
  public Duration delayAfter(int attempt, double random) {
    long base = baseDelay.toMillis();
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long exponential = base > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : base << shift;
    long capped = Math.min(exponential, maxDelay.toMillis());
    long half = capped / 2;
    return Duration.ofMillis(half + (long) (random * (capped - half)));
  }
}
