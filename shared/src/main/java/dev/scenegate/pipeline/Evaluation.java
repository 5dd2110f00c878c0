package dev.scenegate.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import java.util.List;

/**
 * What evaluating one marker generation of a stage found: passed or failed, the reason, the
 * manifest or report it rests on, and (for checksum failures) the per-file diff. Computed outside
 * the state's compare-and-set loop and kept in the state ({@code outcome}), so a conflict never
 * re-hashes anything.
 */
record Evaluation(
    MarkerRef marker,
    boolean passed,
    Kind kind,
    String reason,
    String path,
    ObjectNode details,
    List<ChecksumAlert.Failure> failures,
    int failuresTotal) {

  /** Failures kept in the state and an alert; the total is always recorded. */
  public static final int MAX_FAILURES = 200;

  /** What was checked: a manifest was verified, a quality gate ran, or nothing. */
  public enum Kind {
    @JsonProperty("checksum")
    CHECKSUM,
    @JsonProperty("gate")
    GATE,
    @JsonProperty("none")
    NONE
  }

  public Evaluation {
    failures = failures == null ? List.of() : List.copyOf(failures);
    if (details == null) {
      details = EventJson.MAPPER.createObjectNode();
    }
  }

  public static Evaluation pass(MarkerRef marker, Kind kind, String path, ObjectNode details) {
    return new Evaluation(marker, true, kind, "passed", path, details, List.of(), 0);
  }

  public static Evaluation fail(
      MarkerRef marker,
      Kind kind,
      String reason,
      String path,
      ObjectNode details,
      List<ChecksumAlert.Failure> failures,
      int failuresTotal) {
    return new Evaluation(marker, false, kind, reason, path, details, failures, failuresTotal);
  }

  /** The key naming {@link #path()} in events and {@code .failed}: a manifest or a report. */
  String pathKey() {
    return kind == Kind.CHECKSUM ? "manifest" : "report";
  }
}
