package dev.scenegate.metrics;

import dev.scenegate.logging.JsonLog;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.logging.LoggingMeterRegistry;
import io.micrometer.core.instrument.logging.LoggingRegistryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The meter registry of a deployed function. Functions have no scrape endpoint, so meters are
 * published as structured log lines (logger {@code metrics}) every {@code
 * SCENEGATE_METRICS_INTERVAL} (ISO-8601 duration, default PT1M); Cloud Logging log-based metrics
 * can chart them. {@code SCENEGATE_METRICS_INTERVAL=off} keeps them in memory only.
 */
public final class FunctionMetrics {
  private static final JsonLog LOG = JsonLog.get(FunctionMetrics.class);

  private FunctionMetrics() {}

  public static MeterRegistry registry(Map<String, String> env) {
    String raw = env.getOrDefault("SCENEGATE_METRICS_INTERVAL", "PT1M").trim();
    if (raw.equalsIgnoreCase("off")) {
      return new SimpleMeterRegistry();
    }
    Duration step;
    try {
      step = Duration.parse(raw);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "SCENEGATE_METRICS_INTERVAL must be an ISO-8601 duration such as PT1M, or off: " + raw);
    }
    if (step.isNegative() || step.isZero()) {
      throw new IllegalArgumentException("SCENEGATE_METRICS_INTERVAL must be positive: " + raw);
    }
    LoggingRegistryConfig config =
        new LoggingRegistryConfig() {
          @Override
          public String get(String key) {
            return null;
          }

          @Override
          public Duration step() {
            return step;
          }
        };
    return LoggingMeterRegistry.builder(config)
        .clock(Clock.SYSTEM)
        .loggingSink(line -> LOG.info(line, "metric_line", line))
        .build();
  }
}
