package dev.scenegate.alerts;

import dev.scenegate.retry.Backoff;
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
   * The pause between attempts: exponential from {@code baseDelay}, capped at {@code maxDelay},
   * with "equal jitter" (half fixed, half random) so instances retrying together spread out. The
   * budget, not an attempt count, bounds a delivery.
   */
  public Backoff backoff() {
    return Backoff.exponential(baseDelay, maxDelay).withJitter(0.5);
  }

  /** The pause before attempt {@code attempt + 1} for a draw {@code random} in [0, 1). */
  public Duration delayAfter(int attempt, double random) {
    return backoff().delayAfter(attempt, random);
  }
}
