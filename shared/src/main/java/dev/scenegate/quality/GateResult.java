package dev.scenegate.quality;

import java.util.List;
import java.util.Map;

/**
 * The verdict of one quality gate. {@code reportObject} names the report (object name) the verdict
 * rests on; {@code failures} lists each criterion that failed, in words a person can act on; {@code
 * details} carries the measured values for events and the status table.
 */
public record GateResult(
    boolean passed, String reportObject, List<String> failures, Map<String, Object> details) {

  public GateResult {
    failures = List.copyOf(failures);
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  public static GateResult pass(String reportObject, Map<String, Object> details) {
    return new GateResult(true, reportObject, List.of(), details);
  }

  public static GateResult fail(
      String reportObject, List<String> failures, Map<String, Object> details) {
    return new GateResult(false, reportObject, failures, details);
  }

  /** One line for .failed markers and event details. */
  public String reason() {
    return passed ? "passed" : String.join("; ", failures);
  }
}
