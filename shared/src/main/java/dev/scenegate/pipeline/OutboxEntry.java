package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.events.Topic;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * A side effect recorded in the state before it is carried out, and removed once it is confirmed: a
 * message to publish ({@link Kind#PUBLISH}), a {@code .failed} marker to write ({@link
 * Kind#WRITE_FAILED}) or to clear after remediation ({@link Kind#CLEAR_FAILED}). A crash in between
 * leaves it in the state; the next delivery for the scene carries it out under the same id.
 */
public record OutboxEntry(
    String id,
    Kind kind,
    Topic topic,
    ObjectNode data,
    Map<String, String> attributes,
    String orderingKey,
    String object,
    String stage) {

  public enum Kind {
    PUBLISH,
    WRITE_FAILED,
    CLEAR_FAILED
  }

  public OutboxEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  public static OutboxEntry publish(String id, OutboundMessage message, ObjectNode data) {
    return new OutboxEntry(
        id,
        Kind.PUBLISH,
        message.topic(),
        data,
        message.attributes(),
        message.orderingKey(),
        null,
        null);
  }

  public static OutboxEntry writeFailed(String id, String object, String stage, ObjectNode data) {
    return new OutboxEntry(id, Kind.WRITE_FAILED, null, data, Map.of(), null, object, stage);
  }

  public static OutboxEntry clearFailed(String id, String object, String stage) {
    return new OutboxEntry(id, Kind.CLEAR_FAILED, null, null, Map.of(), null, object, stage);
  }

  public OutboundMessage message() {
    return OutboundMessage.of(
        topic, data.toString().getBytes(StandardCharsets.UTF_8), attributes, orderingKey);
  }
}
