package dev.scenegate.sweep;

import dev.scenegate.metrics.FeatureMeters;
import dev.scenegate.scene.Stage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Every meter of the freshness check, declared here and nowhere else. */
final class FreshnessMeters extends FeatureMeters {
  static final String STALE_STAGES = "scenegate.sweep.stale.stages";
  static final String ALERTS = "scenegate.sweep.freshness.alerts";

  /** The last run's count per stage: the tag is bounded by the stage table. */
  private final Map<Stage, AtomicInteger> stale = new EnumMap<>(Stage.class);

  FreshnessMeters() {
    for (Stage stage : Stage.values()) {
      stale.put(stage, new AtomicInteger());
    }
  }

  static FreshnessMeters boundTo(MeterRegistry registry) {
    return FeatureMeters.bind(new FreshnessMeters(), registry);
  }

  /** The stages past their deadline found by the last run, per stage (zero for the others). */
  void staleStages(Map<Stage, Integer> counts) {
    for (Stage stage : Stage.values()) {
      AtomicInteger value = stale.get(stage);
      value.set(counts.getOrDefault(stage, 0));
      Gauge.builder(STALE_STAGES, value, AtomicInteger::get)
          .description("Stages running or waiting past their deadline at the last freshness check")
          .tag("stage", stage.wireName())
          .register(registry());
    }
  }

  /** A stale stage's alert ended with {@code outcome} (raised, already_raised, ...). */
  void alert(String outcome) {
    Counter.builder(ALERTS)
        .description("Freshness alerts by outcome: raised, already raised, held by another run")
        .tag("outcome", outcome)
        .register(registry())
        .increment();
  }
}
