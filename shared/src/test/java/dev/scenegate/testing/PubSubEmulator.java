package dev.scenegate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.devtools.ChildProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running Google Pub/Sub emulator. The helpers talk to its REST API directly, so tests set up
 * topics and read messages without going through the adapter under test.
 */
public final class PubSubEmulator {
  public static final String PROJECT_ID = "test-project";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final ChildProcess process;

  PubSubEmulator(ChildProcess process) {
    this.process = process;
  }

  public int port() {
    return process.port();
  }

  /** {@code 127.0.0.1:PORT}: the value for {@code PUBSUB_EMULATOR_HOST}. */
  public String host() {
    return "127.0.0.1:" + port();
  }

  public String projectId() {
    return PROJECT_ID;
  }

  /** Environment for a child process that should publish to this emulator. */
  public Map<String, String> env() {
    return Map.of(
        "PUBSUB_EMULATOR_HOST", host(),
        "PUBSUB_PROJECT_ID", PROJECT_ID,
        "GOOGLE_CLOUD_PROJECT", PROJECT_ID);
  }

  public Path log() {
    return process.log();
  }

  /** {@code projects/test-project/topics/ID}. */
  public String topicPath(String topicId) {
    return "projects/" + PROJECT_ID + "/topics/" + topicId;
  }

  public String subscriptionPath(String subscriptionId) {
    return "projects/" + PROJECT_ID + "/subscriptions/" + subscriptionId;
  }

  /** Creates a topic with a fresh unique id and returns the id. */
  public String createTopic(String hint) {
    String id = UniqueNames.pubSub(hint);
    createTopicNamed(id);
    return id;
  }

  /** Creates the topic {@code id} (exactly that name). */
  public void createTopicNamed(String id) {
    call("PUT", "/v1/" + topicPath(id), JSON.createObjectNode());
  }

  /** Creates a subscription with message ordering enabled; returns its fresh unique id. */
  public String createSubscription(String topicId) {
    return createSubscription(topicId, true);
  }

  public String createSubscription(String topicId, boolean messageOrdering) {
    String id = UniqueNames.pubSub(topicId + "-sub");
    ObjectNode body = JSON.createObjectNode();
    body.put("topic", topicPath(topicId));
    body.put("ackDeadlineSeconds", 60);
    body.put("enableMessageOrdering", messageOrdering);
    call("PUT", "/v1/" + subscriptionPath(id), body);
    return id;
  }

  /** Publishes one message straight to the emulator; returns its id. */
  public String publish(
      String topicId, byte[] data, Map<String, String> attributes, String orderingKey) {
    ObjectNode message = JSON.createObjectNode();
    message.put("data", Base64.getEncoder().encodeToString(data));
    if (attributes != null && !attributes.isEmpty()) {
      ObjectNode attrs = message.putObject("attributes");
      attributes.forEach(attrs::put);
    }
    if (orderingKey != null) {
      message.put("orderingKey", orderingKey);
    }
    ObjectNode body = JSON.createObjectNode();
    body.putArray("messages").add(message);
    return call("POST", "/v1/" + topicPath(topicId) + ":publish", body)
        .path("messageIds")
        .path(0)
        .asText();
  }

  /** One pull that returns at once (possibly empty); what it returns is acknowledged. */
  public List<PulledMessage> pull(String subscriptionId, int maxMessages) {
    ObjectNode body = JSON.createObjectNode();
    body.put("maxMessages", maxMessages);
    body.put("returnImmediately", true);
    JsonNode response = call("POST", "/v1/" + subscriptionPath(subscriptionId) + ":pull", body);
    List<PulledMessage> messages = new ArrayList<>();
    ArrayNode ackIds = JSON.createArrayNode();
    for (JsonNode received : response.path("receivedMessages")) {
      ackIds.add(received.path("ackId").asText());
      JsonNode m = received.path("message");
      Map<String, String> attributes = new LinkedHashMap<>();
      m.path("attributes")
          .fields()
          .forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
      String orderingKey = m.path("orderingKey").asText("");
      messages.add(
          new PulledMessage(
              m.path("messageId").asText(),
              Base64.getDecoder().decode(m.path("data").asText("")),
              attributes,
              orderingKey.isEmpty() ? null : orderingKey));
    }
    if (!ackIds.isEmpty()) {
      ObjectNode ack = JSON.createObjectNode();
      ack.set("ackIds", ackIds);
      call("POST", "/v1/" + subscriptionPath(subscriptionId) + ":acknowledge", ack);
    }
    return messages;
  }

  /**
   * Pulls until {@code count} messages arrived or {@code deadline} passed, and returns what came
   * (callers assert on the count, so a shortfall shows what did arrive).
   */
  public List<PulledMessage> awaitMessages(String subscriptionId, int count, Duration deadline) {
    List<PulledMessage> received = new ArrayList<>();
    long end = System.nanoTime() + deadline.toNanos();
    while (received.size() < count && System.nanoTime() < end) {
      List<PulledMessage> batch = pull(subscriptionId, Math.max(1, count - received.size()));
      received.addAll(batch);
      if (batch.isEmpty()) {
        pause();
      }
    }
    return received;
  }

  /** Pulls until {@code count} messages arrived, with a generous default deadline. */
  public List<PulledMessage> awaitMessages(String subscriptionId, int count) {
    return awaitMessages(subscriptionId, count, Duration.ofSeconds(60));
  }

  private static void pause() {
    // Poll interval between empty pulls (returnImmediately pulls do not block).
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pulling", e);
    }
  }

  private JsonNode call(String method, String path, JsonNode body) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://" + host() + path))
              .timeout(Duration.ofSeconds(30))
              .header("content-type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
              .build();
      HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            method
                + " "
                + path
                + " -> HTTP "
                + response.statusCode()
                + ": "
                + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
      }
      return response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  void stop() {
    process.stop();
  }

  @Override
  public String toString() {
    return "Pub/Sub emulator at " + host();
  }
}
