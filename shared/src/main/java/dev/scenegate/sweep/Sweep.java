package dev.scenegate.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.logging.JsonLog;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The scheduled job's single entry point (DESIGN "Sweeps"): its steps in order (reconcile, then the
 * freshness check, then the metadata-level audit), each over the whole bucket. A stop asked for
 * between scenes ends the current step after the scene in hand and skips the rest; each scene's
 * state is one compare-and-set write, so a stopped sweep leaves nothing half-written, and running
 * it again resumes (reconcile re-drives only what is still unseen, freshness alerts once per marker
 * generation).
 */
public final class Sweep {
  private static final JsonLog LOG = JsonLog.get(Sweep.class);

  private final List<SweepStep> steps;
  private final SweepMeters meters;
  private final Clock clock;

  public Sweep(List<SweepStep> steps, SweepMeters meters, Clock clock) {
    this.steps = List.copyOf(steps);
    this.meters = meters;
    this.clock = clock;
  }

  /**
   * What a sweep did: each step's report by name (steps not run are absent), the steps that found
   * something and that had errors, and whether every step ran to the end.
   */
  public record Result(
      Map<String, JsonNode> steps,
      List<String> findings,
      List<String> errors,
      boolean complete,
      Duration duration) {}

  /**
   * Runs the steps until one fails to start (its exception propagates after the steps before it
   * were logged) or {@code stop} says so.
   */
  public Result run(BooleanSupplier stop) throws IOException {
    Instant started = clock.instant();
    Map<String, JsonNode> reports = new LinkedHashMap<>();
    List<String> findings = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    boolean complete = true;
    for (SweepStep step : steps) {
      if (stop.getAsBoolean()) {
        complete = false;
        break;
      }
      Instant stepStarted = clock.instant();
      SweepStep.Outcome outcome = step.run(stop);
      reports.put(step.name(), outcome.report());
      if (outcome.findings()) {
        findings.add(step.name());
      }
      if (outcome.errors() > 0) {
        errors.add(step.name());
      }
      LOG.info(
          "sweep step finished",
          "step",
          step.name(),
          "findings",
          outcome.findings(),
          "errors",
          outcome.errors(),
          "complete",
          outcome.complete(),
          "duration_ms",
          Duration.between(stepStarted, clock.instant()).toMillis());
      if (!outcome.complete()) {
        complete = false;
        break;
      }
    }
    Duration took = Duration.between(started, clock.instant());
    meters.took("sweep", took, complete);
    LOG.notice(
        complete ? "sweep finished" : "sweep stopped before the end",
        "steps",
        String.join(",", reports.keySet()),
        "findings",
        String.join(",", findings),
        "errors",
        String.join(",", errors),
        "complete",
        complete,
        "duration_ms",
        took.toMillis());
    return new Result(
        Map.copyOf(reports), List.copyOf(findings), List.copyOf(errors), complete, took);
  }
}
