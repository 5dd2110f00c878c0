package dev.scenegate.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.EventJson;

/** The body each {@link Webhook.Format} receives for one alert. */
final class WebhookPayloads {
  private final AlertText text;

  public WebhookPayloads(AlertText text) {
    this.text = text;
  }

  public AlertText text() {
    return text;
  }

  public byte[] body(Webhook.Format format, ReceivedAlert alert) {
    return switch (format) {
      case JSON -> genericJson(alert);
      case SLACK -> slack(alert);
    };
  }

  /**
   * The alert JSON as it arrived (every field, including ones this version does not know) plus
   * {@code text}: the plain-text summary, for receivers that only show a string.
   */
  public byte[] genericJson(ReceivedAlert alert) {
    ObjectNode body = alert.json().deepCopy();
    body.put("text", text.plain(alert));
    return bytes(body);
  }

  /** Slack incoming-webhook form: {@code {"text": ...}} in mrkdwn. */
  public byte[] slack(ReceivedAlert alert) {
    ObjectNode body = EventJson.MAPPER.createObjectNode();
    body.put("text", text.slack(alert));
    return bytes(body);
  }

  private static byte[] bytes(ObjectNode body) {
    try {
      return EventJson.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }
}
