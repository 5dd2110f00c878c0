package dev.scenegate.verify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * How long one delivery may spend verifying (DESIGN "Digest ledger": resumable verification).
 * Starts when it is made, from its {@link Clock}; {@link #exhausted()} is asked before a file is
 * started and on every chunk read, so tests drive it with a clock that moves as bytes are read.
 */
public final class VerifyBudget {
  /** Cloud Functions' longest event-driven timeout; the default budget is this less the margin. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(540);

  /** Left for recording the ledger, the state and the events after the cut. */
  static final Duration MARGIN = Duration.ofSeconds(60);

  private static final VerifyBudget UNLIMITED = new VerifyBudget(null, null, null);

  private final Clock clock;
  private final Duration limit;
  private final Instant started;

  private VerifyBudget(Clock clock, Duration limit, Instant started) {
    this.clock = clock;
    this.limit = limit;
    this.started = started;
  }

  /** No limit: the command line, unless a budget is given. */
  public static VerifyBudget unlimited() {
    return UNLIMITED;
  }

  /** {@code limit} from now on {@code clock}; null means unlimited. */
  public static VerifyBudget of(Duration limit, Clock clock) {
    return limit == null ? UNLIMITED : new VerifyBudget(clock, limit, clock.instant());
  }

  public boolean limited() {
    return limit != null;
  }

  /** The whole budget; null when unlimited. */
  public Duration limit() {
    return limit;
  }

  public boolean exhausted() {
    return limit != null && !clock.instant().isBefore(started.plus(limit));
  }

  /** Time since the budget started, in nanoseconds (0 when unlimited). */
  long elapsedNanos() {
    return limit == null ? 0 : Duration.between(started, clock.instant()).toNanos();
  }

  /**
   * {@code VERIFY_BUDGET} (an ISO-8601 duration such as {@code PT5M}, or whole seconds) when set;
   * else {@code FUNCTION_TIMEOUT_SEC} less {@link #MARGIN}; else {@link #DEFAULT_TIMEOUT} less the
   * margin. A malformed or non-positive value is a configuration error.
   */
  public static Duration fromEnv(Map<String, String> env) {
    Duration given = parse("VERIFY_BUDGET", env.get("VERIFY_BUDGET"));
    if (given != null) {
      return given;
    }
    Duration timeout = parse("FUNCTION_TIMEOUT_SEC", env.get("FUNCTION_TIMEOUT_SEC"));
    Duration base = timeout == null ? DEFAULT_TIMEOUT : timeout;
    // A timeout shorter than twice the margin keeps half of it for hashing.
    return base.compareTo(MARGIN.multipliedBy(2)) >= 0 ? base.minus(MARGIN) : base.dividedBy(2);
  }

  /** Only {@code VERIFY_BUDGET}; null when unset (local mode and the command line: no limit). */
  public static Duration givenInEnv(Map<String, String> env) {
    return parse("VERIFY_BUDGET", env.get("VERIFY_BUDGET"));
  }

  static Duration parse(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    Duration d;
    try {
      d =
          v.chars().allMatch(Character::isDigit)
              ? Duration.ofSeconds(Long.parseLong(v))
              : Duration.parse(v.toUpperCase(Locale.ROOT));
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          name + " must be an ISO-8601 duration (PT5M) or whole seconds, got '" + value + "'");
    }
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, got '" + value + "'");
    }
    return d;
  }

  @Override
  public String toString() {
    return limit == null ? "unlimited" : limit.toString();
  }
}
