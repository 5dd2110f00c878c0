package dev.scenegate.sweep;

import dev.scenegate.metrics.FeatureMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Every meter of the sweep, declared here and nowhere else. */
public final class SweepMeters extends FeatureMeters {
  public static final String REDRIVEN = "scenegate.sweep.markers.redriven";
  public static final String DURATION = "scenegate.sweep.duration";
  public static final String ERRORS = "scenegate.sweep.errors";

  public static SweepMeters boundTo(MeterRegistry registry) {
    return FeatureMeters.bind(new SweepMeters(), registry);
  }

  /** A marker whose event was lost, handled by reconcile; {@code stage} its stage. */
  void redriven(String stage) {
    Counter.builder(REDRIVEN)
        .description("Markers re-driven by reconcile: their event never arrived")
        .tag("stage", stage)
        .register(registry())
        .increment();
  }

  /** An object or scene a step could not look at. */
  void error(String step) {
    Counter.builder(ERRORS)
        .description("Scenes or markers a sweep step could not handle")
        .tag("step", step)
        .register(registry())
        .increment();
  }

  /** How long one step (or, with step {@code sweep}, the whole run) took. */
  void took(String step, Duration duration, boolean complete) {
    Timer.builder(DURATION)
        .description("Duration of a sweep and of each of its steps")
        .tag("step", step)
        .tag("complete", Boolean.toString(complete))
        .register(registry())
        .record(duration);
  }
}
