package dev.scenegate.testing;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One message pulled (and acknowledged) from an emulator subscription. */
public record PulledMessage(
    String messageId, byte[] data, Map<String, String> attributes, String orderingKey) {

  public PulledMessage {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  public String text() {
    return new String(data, StandardCharsets.UTF_8);
  }
}
