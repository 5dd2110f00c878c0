package dev.scenegate.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * One step of the scheduled sweep ({@link Sweep}): reconcile, the freshness check, the
 * metadata-level audit. A step works scene by scene, asks {@code stop} between scenes and returns
 * early (its outcome not {@code complete}) when it says so: every scene's state is one
 * compare-and-set write, so nothing is left half-written, and the next run picks up the rest.
 */
public interface SweepStep {

  /** The step's name in the sweep's report and logs: {@code reconcile}, {@code freshness} ... */
  String name();

  /**
   * Runs the step over the bucket. Throws only when it could not start (the listing failed); what
   * fails for one scene is in the outcome's report.
   */
  Outcome run(BooleanSupplier stop) throws IOException;

  /**
   * What a step did.
   *
   * @param report its JSON report, as its own command prints it with {@code --json}
   * @param findings it found what makes its own command exit 1 (a re-driven marker failed a stage,
   *     a fixity finding ...)
   * @param errors scenes or objects it could not look at
   * @param complete false when {@code stop} ended it early
   */
  record Outcome(JsonNode report, boolean findings, int errors, boolean complete) {}
}
