package dev.scenegate.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.EventJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Pub/Sub emulator's REST API, for the dev stack's plumbing (topics, subscriptions, the
 * bridge's pull/ack) and for local mode creating its topics on an emulator. scenegate's own
 * publishing goes through {@code PubSubEventPublisher}; this is only the emulator's admin side.
 */
public final class PubSubRest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String host;
  private final String project;

  /**
   * @param host {@code host:port} (as in {@code PUBSUB_EMULATOR_HOST})
   */
  public PubSubRest(String host, String project) {
    this.host = host;
    this.project = project;
  }

  public String project() {
    return project;
  }

  public String topicPath(String topic) {
    return "projects/" + project + "/topics/" + topic;
  }

  public String subscriptionPath(String subscription) {
    return "projects/" + project + "/subscriptions/" + subscription;
  }

  /** Creates the topic; one that exists already is fine. */
  public void ensureTopic(String topic) throws IOException {
    send("PUT", "/v1/" + topicPath(topic), EventJson.MAPPER.createObjectNode(), true);
  }

  /** Creates a pull subscription on {@code topic}; one that exists already is fine. */
  public void ensureSubscription(String subscription, String topic, int ackDeadlineSeconds)
      throws IOException {
    ObjectNode body = EventJson.MAPPER.createObjectNode();
    body.put("topic", topicPath(topic));
    body.put("ackDeadlineSeconds", ackDeadlineSeconds);
    send("PUT", "/v1/" + subscriptionPath(subscription), body, true);
  }

  /** A message as pulled, with the ack id that acknowledges it. */
  public record Received(
      String ackId,
      String messageId,
      String publishTime,
      byte[] data,
      Map<String, String> attributes,
      int deliveryAttempt) {}

  /** One pull that returns at once, possibly empty. Nothing is acknowledged. */
  public List<Received> pull(String subscription, int maxMessages) throws IOException {
    ObjectNode body = EventJson.MAPPER.createObjectNode();
    body.put("maxMessages", maxMessages);
    body.put("returnImmediately", true);
    JsonNode response =
        send("POST", "/v1/" + subscriptionPath(subscription) + ":pull", body, false);
    List<Received> received = new ArrayList<>();
    for (JsonNode r : response.path("receivedMessages")) {
      JsonNode m = r.path("message");
      Map<String, String> attributes = new LinkedHashMap<>();
      m.path("attributes")
          .fields()
          .forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
      received.add(
          new Received(
              r.path("ackId").asText(),
              m.path("messageId").asText(),
              m.path("publishTime").asText(null),
              Base64.getDecoder().decode(m.path("data").asText("")),
              attributes,
              r.path("deliveryAttempt").asInt(0)));
    }
    return received;
  }

  public void acknowledge(String subscription, List<String> ackIds) throws IOException {
    if (ackIds.isEmpty()) {
      return;
    }
    ObjectNode body = EventJson.MAPPER.createObjectNode();
    ArrayNode ids = body.putArray("ackIds");
    ackIds.forEach(ids::add);
    send("POST", "/v1/" + subscriptionPath(subscription) + ":acknowledge", body, false);
  }

  /** Hands the message back for redelivery after {@code seconds} (0: at once). */
  public void modifyAckDeadline(String subscription, String ackId, int seconds) throws IOException {
    ObjectNode body = EventJson.MAPPER.createObjectNode();
    body.putArray("ackIds").add(ackId);
    body.put("ackDeadlineSeconds", seconds);
    send("POST", "/v1/" + subscriptionPath(subscription) + ":modifyAckDeadline", body, false);
  }

  private JsonNode send(String method, String path, JsonNode body, boolean conflictOk)
      throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + host + path))
            .timeout(Duration.ofSeconds(30))
            .header("content-type", "application/json")
            .method(
                method,
                HttpRequest.BodyPublishers.ofByteArray(EventJson.MAPPER.writeValueAsBytes(body)))
            .build();
    HttpResponse<byte[]> response;
    try {
      response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted: " + method + " " + path);
    }
    int status = response.statusCode();
    if (status == 409 && conflictOk) {
      return EventJson.MAPPER.createObjectNode();
    }
    if (status / 100 != 2) {
      throw new IOException(
          "Pub/Sub emulator at "
              + host
              + ": "
              + method
              + " "
              + path
              + " answered HTTP "
              + status
              + ": "
              + new String(response.body(), StandardCharsets.UTF_8).strip());
    }
    return response.body().length == 0
        ? EventJson.MAPPER.createObjectNode()
        : EventJson.MAPPER.readTree(response.body());
  }
}
