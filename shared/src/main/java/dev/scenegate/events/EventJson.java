package dev.scenegate.events;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper configuration for the documents scenegate writes itself (state, events,
 * alerts, {@code .failed}): records bind in snake_case, and a reader ignores fields a newer writer
 * added. Untrusted input (manifests, reports, config.json) has its own strict readers.
 */
public final class EventJson {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private EventJson() {}
}
