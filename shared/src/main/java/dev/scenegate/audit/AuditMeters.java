package dev.scenegate.audit;

import dev.scenegate.metrics.FeatureMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Every meter of the audit, declared here and nowhere else. */
public final class AuditMeters extends FeatureMeters {
  static final String FINDINGS = "scenegate.audit.findings";

  public static AuditMeters boundTo(MeterRegistry registry) {
    return FeatureMeters.bind(new AuditMeters(), registry);
  }

  /** One finding of {@code kind} (the tag is bounded: changed, missing, untracked). */
  public void finding(AuditFinding.Kind kind) {
    Counter.builder(FINDINGS)
        .description("Files an audit found changed, missing or untracked since verified")
        .tag("kind", kind.tag())
        .register(registry())
        .increment();
  }
}
