package dev.scenegate.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.alerts.InvalidAlertException;
import dev.scenegate.events.EventJson;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Pub/Sub message inside a {@code google.cloud.pubsub.topic.v1.messagePublished} CloudEvent as
 * Eventarc delivers it: {@code {"subscription": ..., "message": {"data": <base64>, "attributes":
 * {...}, "messageId": ..., "publishTime": ...}}}.
 */
public record PubSubPush(
    String messageId, byte[] data, Map<String, String> attributes, String subscription) {

  public static final String MESSAGE_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished";

  public PubSubPush {
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  /**
   * Unwraps the event. Anything that is not such a message (wrong type, no data, not JSON, data not
   * base64) is {@link InvalidAlertException}: poison, to be logged and acknowledged.
   */
  public static PubSubPush decode(CloudEvent event) throws InvalidAlertException {
    if (!MESSAGE_PUBLISHED.equals(event.getType())) {
      throw new InvalidAlertException(
          "unexpected CloudEvent type '" + event.getType() + "' (want " + MESSAGE_PUBLISHED + ")");
    }
    if (event.getData() == null) {
      throw new InvalidAlertException("CloudEvent has no data");
    }
    return decodeEnvelope(event.getData().toBytes(), event.getId());
  }

  /**
   * Unwraps the JSON envelope a Pub/Sub push subscription POSTs ({@code {"message": {...},
   * "subscription": ...}}, the same envelope Eventarc puts in a CloudEvent's data). {@code
   * fallbackId} names the message when the envelope has no message id.
   */
  public static PubSubPush decodeEnvelope(byte[] envelope, String fallbackId)
      throws InvalidAlertException {
    JsonNode root;
    try {
      root = EventJson.MAPPER.readTree(envelope);
    } catch (IOException e) {
      throw new InvalidAlertException("CloudEvent data is not JSON");
    }
    JsonNode message = root == null ? null : root.get("message");
    if (message == null || !message.isObject()) {
      throw new InvalidAlertException("CloudEvent data has no Pub/Sub message");
    }
    String messageId = text(message, "messageId", "message_id");
    if (messageId == null) {
      messageId = fallbackId;
    }
    JsonNode data = message.get("data");
    if (data == null || data.isNull() || !data.isTextual() || data.asText().isEmpty()) {
      throw new InvalidAlertException("Pub/Sub message " + messageId + " has no data");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(data.asText());
    } catch (IllegalArgumentException e) {
      throw new InvalidAlertException("Pub/Sub message " + messageId + " data is not base64");
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    JsonNode attrs = message.get("attributes");
    if (attrs != null && attrs.isObject()) {
      attrs.fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
    }
    return new PubSubPush(
        messageId,
        bytes,
        attributes,
        root.hasNonNull("subscription") ? root.get("subscription").asText() : null);
  }

  private static String text(JsonNode node, String... names) {
    for (String name : names) {
      JsonNode value = node.get(name);
      if (value != null && value.isTextual() && !value.asText().isEmpty()) {
        return value.asText();
      }
    }
    return null;
  }
}
