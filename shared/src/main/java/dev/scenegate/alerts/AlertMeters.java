package dev.scenegate.alerts;

import dev.scenegate.metrics.FeatureMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Every meter of the alert notifier, declared here and nowhere else. */
final class AlertMeters extends FeatureMeters {
  static final String RECEIVED = "scenegate.alerts.received";
  static final String DELIVERIES = "scenegate.alerts.deliveries";
  static final String DELIVERY = "scenegate.alerts.delivery";
  static final String ATTEMPTS = "scenegate.alerts.delivery.attempts";

  static AlertMeters boundTo(MeterRegistry registry) {
    return FeatureMeters.bind(new AlertMeters(), registry);
  }

  /** A Pub/Sub message arrived: {@code valid} or {@code poison}. */
  void received(String outcome) {
    Counter.builder(RECEIVED)
        .description("Alert messages received, by whether they decode")
        .tag("outcome", outcome)
        .register(registry())
        .increment();
  }

  /** One webhook's delivery ended (or was skipped) with {@code outcome}. */
  void delivery(String format, String outcome) {
    Counter.builder(DELIVERIES)
        .description("Alert deliveries to one webhook, by outcome")
        .tags("format", format, "outcome", outcome)
        .register(registry())
        .increment();
  }

  /** Starts timing one alert to one webhook. */
  Timer.Sample startDelivery() {
    return Timer.start(registry());
  }

  /** One webhook's delivery ended with {@code outcome}: its duration and its count. */
  void deliveryEnded(Timer.Sample sample, String format, String outcome) {
    sample.stop(
        Timer.builder(DELIVERY)
            .description("one alert to one webhook, all attempts")
            .tags("format", format, "outcome", outcome)
            .register(registry()));
    delivery(format, outcome);
  }

  void attempts(String format, int attempts) {
    Counter.builder(ATTEMPTS)
        .description("HTTP requests made to deliver alerts")
        .tag("format", format)
        .register(registry())
        .increment(attempts);
  }
}
