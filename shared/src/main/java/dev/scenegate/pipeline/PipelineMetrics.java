package dev.scenegate.pipeline;

import dev.scenegate.events.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;

/**
 * Every meter of the marker pipeline, declared once: object events by outcome, state write
 * conflicts, stage transitions, alerts raised, messages confirmed, and evaluation time.
 */
final class PipelineMetrics implements MeterBinder {
  static final String MARKER_EVENTS = "scenegate.marker.events";
  static final String STATE_CONFLICTS = "scenegate.state.conflicts";
  static final String STAGE_TRANSITIONS = "scenegate.stage.transitions";
  static final String ALERTS = "scenegate.alerts";
  static final String EVENTS_PUBLISHED = "scenegate.events.published";
  static final String STAGE_EVALUATION = "scenegate.stage.evaluation";

  private MeterRegistry registry;

  PipelineMetrics(MeterRegistry registry) {
    bindTo(registry);
  }

  MeterRegistry registry() {
    return registry;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * One object event by outcome ({@code dismissed}, {@code processed}, {@code duplicate}, {@code
   * failed}, {@code undecodable}).
   */
  void event(String outcome) {
    Counter.builder(MARKER_EVENTS)
        .description("Object events handled by the marker function, by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  void conflict() {
    Counter.builder(STATE_CONFLICTS)
        .description("State writes that lost a compare-and-set race and were retried")
        .register(registry)
        .increment();
  }

  void transition(String stage, String status) {
    Counter.builder(STAGE_TRANSITIONS)
        .description("Stage status changes, by stage and new status")
        .tag("stage", stage)
        .tag("status", status)
        .register(registry)
        .increment();
  }

  void alert(String kind) {
    Counter.builder(ALERTS)
        .description("Alerts raised, by kind")
        .tag("kind", kind)
        .register(registry)
        .increment();
  }

  void published(Topic topic) {
    Counter.builder(EVENTS_PUBLISHED)
        .description("Messages confirmed by the publisher, by topic")
        .tag("topic", topic.defaultName())
        .register(registry)
        .increment();
  }

  void evaluated(String stage, boolean passed, long nanos) {
    Timer.builder(STAGE_EVALUATION)
        .description("Time to evaluate what one marker vouches for")
        .tag("stage", stage)
        .tag("result", passed ? "passed" : "failed")
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
