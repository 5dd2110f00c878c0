package dev.scenegate.sweep;

import dev.scenegate.metrics.FeatureMeters;
import dev.scenegate.scene.Stage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Every meter of the freshness check, declared here and nowhere else. */
final class FreshnessMeters extends FeatureMeters {
  static final String STALE_STAGES = "scenegate.sweep.stale.stages";
  static final String ALERTS = "scenegate.sweep.freshness.alerts";

  /**
   * The last run's count per stage, one set per registry: a gauge is registered once, so every
   * check bound to the same registry (local mode builds one per sweep) must set the same values.
   */
  private static final Map<MeterRegistry, Map<Stage, AtomicInteger>> GAUGES =
      Collections.synchronizedMap(new WeakHashMap<>());

  static FreshnessMeters boundTo(MeterRegistry registry) {
    return FeatureMeters.bind(new FreshnessMeters(), registry);
  }

  /** The stages past their deadline found by the last run, per stage (zero for the others). */
  void staleStages(Map<Stage, Integer> counts) {
    Map<Stage, AtomicInteger> values = GAUGES.computeIfAbsent(registry(), this::register);
    for (Stage stage : Stage.values()) {
      values.get(stage).set(counts.getOrDefault(stage, 0));
    }
  }

  /** One gauge per stage: the tag is bounded by the stage table. */
  private Map<Stage, AtomicInteger> register(MeterRegistry registry) {
    Map<Stage, AtomicInteger> values = new EnumMap<>(Stage.class);
    for (Stage stage : Stage.values()) {
      AtomicInteger value = new AtomicInteger();
      values.put(stage, value);
      Gauge.builder(STALE_STAGES, value, AtomicInteger::get)
          .description("Stages running or waiting past their deadline at the last freshness check")
          .tag("stage", stage.wireName())
          .strongReference(true)
          .register(registry);
    }
    return values;
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
