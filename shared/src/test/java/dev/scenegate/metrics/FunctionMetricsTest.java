package dev.scenegate.metrics;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.logging.LoggingMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionMetricsTest {

  @Test
  void publishesToTheLogByDefault() {
    MeterRegistry registry = FunctionMetrics.registry(Map.of());
    try {
      assertInstanceOf(LoggingMeterRegistry.class, registry);
    } finally {
      registry.close();
    }
  }

  @Test
  void offKeepsMetersInMemory() {
    assertInstanceOf(
        SimpleMeterRegistry.class,
        FunctionMetrics.registry(Map.of("SCENEGATE_METRICS_INTERVAL", "off")));
  }

  @Test
  void aMalformedIntervalIsAConfigurationErrorNamingTheVariable() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FunctionMetrics.registry(Map.of("SCENEGATE_METRICS_INTERVAL", "60s")));
    assertTrue(e.getMessage().contains("SCENEGATE_METRICS_INTERVAL"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> FunctionMetrics.registry(Map.of("SCENEGATE_METRICS_INTERVAL", "PT0S")));
  }
}
