package dev.scenegate.events;

import java.util.Map;
import java.util.Objects;

/** One message to publish: JSON bytes, attributes, and an ordering key (may be null). */
public record OutboundMessage(
    Topic topic, byte[] data, Map<String, String> attributes, String orderingKey) {
  public OutboundMessage {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(data, "data");
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  public static OutboundMessage of(
      Topic topic, byte[] data, Map<String, String> attributes, String orderingKey) {
    return new OutboundMessage(topic, data, attributes, orderingKey);
  }
}
