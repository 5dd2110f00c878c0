package dev.scenegate.quality;

import java.util.List;

/**
 * The verdict of one quality gate. {@code reportObject} names the report (object name) the verdict
 * rests on; {@code failures} lists each criterion that failed, in words a person can act on; {@code
 * measures} carries the measured values for events and the check table.
 */
public record GateResult(
    boolean passed, String reportObject, List<GateFailure> failures, GateMeasures measures) {

  public GateResult {
    failures = List.copyOf(failures);
  }

  /** Each failure as {@code <file>: <message>}. */
  public List<String> failureLines() {
    return failures.stream().map(GateFailure::line).toList();
  }

  /** One line for .failed markers and event details. */
  public String reason() {
    return passed ? "passed" : String.join("; ", failureLines());
  }
}
