package dev.scenegate.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Does what Eventarc does between a Pub/Sub subscription and a function: pulls messages from the
 * emulator (REST), POSTs each to the function as a {@code messagePublished} CloudEvent (binary
 * content mode, the message envelope as data), acknowledges on 2xx and nacks otherwise (ack
 * deadline 0), so the emulator redelivers exactly as Pub/Sub would.
 */
final class PubSubPushRelay {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String emulatorHost;
  private final String projectId;
  private final String topicId;
  private final String subscriptionId;
  private final FunctionInvoker function;

  PubSubPushRelay(
      String emulatorHost,
      String projectId,
      String topicId,
      String subscriptionId,
      FunctionInvoker function) {
    this.emulatorHost = emulatorHost;
    this.projectId = projectId;
    this.topicId = topicId;
    this.subscriptionId = subscriptionId;
    this.function = function;
  }

  /** What one push got back. */
  record Delivery(String messageId, int status) {
    boolean acknowledged() {
      return status / 100 == 2;
    }
  }

  /**
   * Pulls until {@code count} messages were pushed (deadline generous); returns the pushes in
   * order.
   */
  List<Delivery> pushNext(int count, Duration deadline) throws Exception {
    List<Delivery> deliveries = new ArrayList<>();
    long end = System.nanoTime() + deadline.toNanos();
    while (deliveries.size() < count) {
      if (System.nanoTime() > end) {
        throw new AssertionError(
            "only " + deliveries.size() + " of " + count + " messages arrived: " + deliveries);
      }
      ObjectNode pull = JSON.createObjectNode();
      pull.put("maxMessages", count - deliveries.size());
      pull.put("returnImmediately", true);
      JsonNode response = call(":pull", pull);
      JsonNode received = response.path("receivedMessages");
      if (received.isEmpty()) {
        // Poll interval between empty pulls of the emulator.
        Thread.sleep(50);
        continue;
      }
      for (JsonNode item : received) {
        deliveries.add(push(item));
      }
    }
    return deliveries;
  }

  private Delivery push(JsonNode item) throws Exception {
    JsonNode message = item.path("message");
    String messageId = message.path("messageId").asText();
    ObjectNode data = JSON.createObjectNode();
    data.set("message", message);
    data.put("subscription", "projects/" + projectId + "/subscriptions/" + subscriptionId);
    HttpResponse<String> response =
        function.post(
            JSON.writeValueAsString(data),
            CloudEvents.binaryHeaders(
                messageId,
                PubSubPush.MESSAGE_PUBLISHED,
                "//pubsub.googleapis.com/projects/" + projectId + "/topics/" + topicId,
                null,
                message.path("publishTime").asText("2026-01-01T00:00:00Z")));
    ObjectNode ack = JSON.createObjectNode();
    ack.putArray("ackIds").add(item.path("ackId").asText());
    if (response.statusCode() / 100 == 2) {
      call(":acknowledge", ack);
    } else {
      ack.put("ackDeadlineSeconds", 0);
      call(":modifyAckDeadline", ack);
    }
    return new Delivery(messageId, response.statusCode());
  }

  private JsonNode call(String verb, JsonNode body) throws IOException, InterruptedException {
    URI uri =
        URI.create(
            "http://"
                + emulatorHost
                + "/v1/projects/"
                + projectId
                + "/subscriptions/"
                + subscriptionId
                + verb);
    HttpResponse<byte[]> response =
        HTTP.send(
            HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(verb + " -> HTTP " + response.statusCode());
    }
    return response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
  }
}
