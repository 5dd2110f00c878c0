package dev.scenegate.fleet;

import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.scene.Stage;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How long a stage may stay {@code running} or {@code waiting} before it is stale (DESIGN:
 * Deadlines): {@code SLA_RUNNING} (default {@code PT6H}), {@code SLA_WAITING} (default {@code
 * PT24H}), and per stage {@code SLA_<STAGE>} (e.g. {@code SLA_GENIESIM_EXPORT=PT12H}), which
 * replaces both for that stage. Values are ISO-8601 durations ({@code PT6H}, {@code P2D}).
 *
 * <p>Standalone on purpose: the fleet view and the scheduled freshness sweep read the same
 * deadlines from the same variables.
 */
public final class Deadlines {
  public static final String RUNNING_VARIABLE = "SLA_RUNNING";
  public static final String WAITING_VARIABLE = "SLA_WAITING";
  public static final Duration DEFAULT_RUNNING = Duration.ofHours(6);
  public static final Duration DEFAULT_WAITING = Duration.ofHours(24);

  private static final String PREFIX = "SLA_";

  private final Duration running;
  private final Duration waiting;
  private final Map<Stage, Duration> perStage;

  public Deadlines(Duration running, Duration waiting, Map<Stage, Duration> perStage) {
    this.running = positive(running, RUNNING_VARIABLE);
    this.waiting = positive(waiting, WAITING_VARIABLE);
    this.perStage = new EnumMap<>(Stage.class);
    perStage.forEach((stage, d) -> this.perStage.put(stage, positive(d, variable(stage))));
  }

  /** The defaults: running 6 hours, waiting 24 hours, no per-stage overrides. */
  public static Deadlines defaults() {
    return new Deadlines(DEFAULT_RUNNING, DEFAULT_WAITING, Map.of());
  }

  /**
   * Reads {@code SLA_RUNNING}, {@code SLA_WAITING} and {@code SLA_<STAGE>} from {@code env}. A
   * value that is not a positive ISO-8601 duration, or an {@code SLA_} variable that names no stage
   * (a typo would otherwise silently keep the default), is an {@link IllegalArgumentException}
   * whose message names the variable and what it expects.
   */
  public static Deadlines fromEnvironment(Map<String, String> env) {
    Duration running = DEFAULT_RUNNING;
    Duration waiting = DEFAULT_WAITING;
    Map<Stage, Duration> perStage = new EnumMap<>(Stage.class);
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(PREFIX) || e.getValue() == null || e.getValue().isBlank()) {
        continue;
      }
      if (name.equals(RUNNING_VARIABLE)) {
        running = parse(name, e.getValue());
      } else if (name.equals(WAITING_VARIABLE)) {
        waiting = parse(name, e.getValue());
      } else {
        Optional<Stage> stage =
            Stage.fromWireName(name.substring(PREFIX.length()).toLowerCase(Locale.ROOT));
        if (stage.isPresent() && name.equals(variable(stage.get()))) {
          perStage.put(stage.get(), parse(name, e.getValue()));
        } else {
          unknown.add(name);
        }
      }
    }
    if (!unknown.isEmpty()) {
      List<String> known = new ArrayList<>(List.of(RUNNING_VARIABLE, WAITING_VARIABLE));
      for (Stage stage : Stage.values()) {
        known.add(variable(stage));
      }
      unknown.sort(null);
      throw new IllegalArgumentException(
          "unknown deadline variable "
              + String.join(", ", unknown)
              + " (known: "
              + String.join(", ", known)
              + ")");
    }
    return new Deadlines(running, waiting, perStage);
  }

  /** {@code SLA_<STAGE>}: the stage's wire name in upper case. */
  public static String variable(Stage stage) {
    return PREFIX + stage.wireName().toUpperCase(Locale.ROOT);
  }

  public Duration running() {
    return running;
  }

  public Duration waiting() {
    return waiting;
  }

  /**
   * The deadline of {@code stage} in {@code status}: its override, else {@code SLA_RUNNING} or
   * {@code SLA_WAITING}; empty for every other status, which has no deadline.
   */
  public Optional<Duration> deadline(Stage stage, StageStatus status) {
    if (status != StageStatus.RUNNING && status != StageStatus.WAITING) {
      return Optional.empty();
    }
    Duration override = perStage.get(stage);
    if (override != null) {
      return Optional.of(override);
    }
    return Optional.of(status == StageStatus.RUNNING ? running : waiting);
  }

  /**
   * True when a stage in {@code status} since {@code since} has passed its deadline at {@code now}.
   * An unknown {@code since} is never overdue: there is nothing to measure from.
   */
  public boolean overdue(Stage stage, StageStatus status, Instant since, Instant now) {
    if (since == null) {
      return false;
    }
    Optional<Duration> deadline = deadline(stage, status);
    return deadline.isPresent() && Duration.between(since, now).compareTo(deadline.get()) > 0;
  }

  private static Duration parse(String name, String value) {
    String text = value.strip();
    Duration parsed;
    try {
      parsed = Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          name + "='" + oneLine(text) + "' is not an ISO-8601 duration (e.g. PT6H, PT30M, P2D)");
    }
    return positive(parsed, name);
  }

  private static Duration positive(Duration duration, String name) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + duration);
    }
    return duration;
  }

  private static String oneLine(String text) {
    return text.replaceAll("[\\r\\n\\t]+", " ");
  }

  @Override
  public String toString() {
    return "Deadlines[running=" + running + ", waiting=" + waiting + ", perStage=" + perStage + "]";
  }
}
