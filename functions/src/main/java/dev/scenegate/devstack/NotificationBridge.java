package dev.scenegate.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.retry.Backoff;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for Eventarc in the dev stack: pulls the GCS Pub/Sub notifications that fake-gcs-server
 * publishes and POSTs each {@code OBJECT_FINALIZE} to the function as a binary-mode CloudEvent
 * {@code google.cloud.storage.object.v1.finalized} (ce-id, ce-source {@code
 * //storage.googleapis.com/projects/_/buckets/B}, ce-subject {@code objects/NAME}, ce-time; body
 * the object resource JSON). A notification is acknowledged only after a 2xx; otherwise it is
 * handed back for redelivery after a growing delay, as Eventarc retries a failed delivery.
 */
public final class NotificationBridge implements AutoCloseable {
  public static final String FINALIZED = "google.cloud.storage.object.v1.finalized";

  private static final Duration IDLE_POLL = Duration.ofMillis(100);
  private static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(5);

  /** Redelivery after 1 s, doubling up to 32 s, as Eventarc backs off a failing delivery. */
  private static final Backoff REDELIVERY =
      Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(32));

  /** What the bridge reports. */
  public interface Listener {
    default void delivered(String object, long generation, int status) {}

    default void failed(String object, String reason, int attempt, int retryInSeconds) {}
  }

  private final PubSubRest pubSub;
  private final String subscription;
  private final URI target;
  private final Listener listener;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean running = true;
  private final Thread thread;

  public NotificationBridge(PubSubRest pubSub, String subscription, URI target, Listener listener) {
    this.pubSub = pubSub;
    this.subscription = subscription;
    this.target = target;
    this.listener = listener;
    this.thread = new Thread(this::loop, "notification-bridge");
    this.thread.setDaemon(true);
  }

  public NotificationBridge start() {
    thread.start();
    return this;
  }

  /** Notifications acknowledged after the function answered 2xx. */
  public long delivered() {
    return delivered.get();
  }

  /** Deliveries that failed and were handed back for redelivery. */
  public long failures() {
    return failures.get();
  }

  private void loop() {
    int pullFailures = 0;
    while (running) {
      List<PubSubRest.Received> batch;
      try {
        batch = pubSub.pull(subscription, 10);
        pullFailures = 0;
      } catch (IOException e) {
        if (!running) {
          return;
        }
        pullFailures++;
        pause(Duration.ofMillis(Math.min(5000, 200L * pullFailures)));
        continue;
      }
      if (batch.isEmpty()) {
        pause(IDLE_POLL);
        continue;
      }
      List<String> ackIds = new ArrayList<>();
      for (PubSubRest.Received message : batch) {
        if (!running) {
          break; // not acknowledged: redelivered to the next bridge
        }
        if (handle(message)) {
          ackIds.add(message.ackId());
        }
      }
      try {
        pubSub.acknowledge(subscription, ackIds);
      } catch (IOException e) {
        // Not acknowledged: they come again, and the function is idempotent.
      }
    }
  }

  /** True when the notification is done with (delivered, or not one to deliver). */
  private boolean handle(PubSubRest.Received message) {
    Map<String, String> attributes = message.attributes();
    if (!"OBJECT_FINALIZE".equals(attributes.get("eventType"))) {
      return true; // Eventarc's finalized trigger sees nothing else either
    }
    JsonNode object;
    try {
      object = EventJson.MAPPER.readTree(message.data());
    } catch (IOException e) {
      object = null;
    }
    String bucket = text(object, "bucket", attributes.get("bucketId"));
    String name = text(object, "name", attributes.get("objectId"));
    if (bucket == null || name == null) {
      return true; // nothing a storage trigger could carry
    }
    String time =
        text(object, "updated", attributes.getOrDefault("eventTime", message.publishTime()));
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(DELIVERY_TIMEOUT)
            .header("content-type", "application/json")
            .header("ce-specversion", "1.0")
            .header("ce-id", message.messageId())
            .header("ce-source", "//storage.googleapis.com/projects/_/buckets/" + bucket)
            .header("ce-type", FINALIZED)
            .header("ce-subject", "objects/" + name)
            .header("ce-time", time == null ? java.time.Instant.now().toString() : time)
            .POST(HttpRequest.BodyPublishers.ofByteArray(message.data()))
            .build();
    String reason;
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 == 2) {
        attempts.remove(message.messageId());
        delivered.incrementAndGet();
        listener.delivered(name, generation(object, attributes), response.statusCode());
        return true;
      }
      reason = "HTTP " + response.statusCode() + " " + oneLine(response.body());
    } catch (IOException e) {
      reason = e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return false;
    }
    failures.incrementAndGet();
    int attempt = attempts.merge(message.messageId(), 1, Integer::sum);
    int delay = (int) REDELIVERY.delayAfter(attempt).toSeconds();
    listener.failed(name, reason, attempt, delay);
    try {
      pubSub.modifyAckDeadline(subscription, message.ackId(), delay);
    } catch (IOException e) {
      // The ack deadline runs out on its own; it is redelivered a little later.
    }
    return false;
  }

  private static long generation(JsonNode object, Map<String, String> attributes) {
    String value = text(object, "generation", attributes.get("objectGeneration"));
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String text(JsonNode node, String field, String fallback) {
    if (node == null || !node.hasNonNull(field)) {
      return fallback;
    }
    return node.get(field).asText();
  }

  private static String oneLine(String text) {
    String line = text == null ? "" : text.replaceAll("\\s+", " ").strip();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  private void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Stops pulling; a delivery in flight finishes (or is left unacknowledged). */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
