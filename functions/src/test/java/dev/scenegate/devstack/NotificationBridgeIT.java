package dev.scenegate.devstack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.PubSubEmulator;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bridge against the real Pub/Sub emulator, delivering to a small HTTP server that plays the
 * function: CloudEvent headers as Eventarc sends them, acknowledgement only after a 2xx.
 */
class NotificationBridgeIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.pubSubOnly();

  private static final String OBJECT =
      "{\"kind\":\"storage#object\",\"name\":\"scenes/k1/assets/.regen3d_complete\","
          + "\"bucket\":\"b1\",\"generation\":\"1732300000000000\",\"size\":\"0\","
          + "\"updated\":\"2026-11-22T18:00:00.000Z\"}";

  /** One received request: its CloudEvent headers and body. */
  private record Delivery(Map<String, String> headers, byte[] body) {}

  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final AtomicInteger failFirst = new AtomicInteger();
  private HttpServer function;
  private NotificationBridge bridge;

  @BeforeEach
  void startFunction() throws Exception {
    function = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    function.createContext(
        "/",
        exchange -> {
          var h = exchange.getRequestHeaders();
          Map<String, String> headers = new java.util.TreeMap<>();
          for (String name :
              List.of(
                  "ce-specversion",
                  "ce-id",
                  "ce-source",
                  "ce-type",
                  "ce-subject",
                  "ce-time",
                  "content-type")) {
            if (h.getFirst(name) != null) {
              headers.put(name, h.getFirst(name));
            }
          }
          deliveries.add(new Delivery(headers, exchange.getRequestBody().readAllBytes()));
          int status = failFirst.getAndDecrement() > 0 ? 500 : 204;
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    function.start();
  }

  @AfterEach
  void stop() {
    if (bridge != null) {
      bridge.close();
    }
    function.stop(0);
  }

  private NotificationBridge bridge(PubSubEmulator emulator, String subscription) {
    PubSubRest rest = new PubSubRest(emulator.host(), emulator.projectId());
    URI target = URI.create("http://127.0.0.1:" + function.getAddress().getPort() + "/");
    bridge =
        new NotificationBridge(rest, subscription, target, new NotificationBridge.Listener() {});
    return bridge.start();
  }

  private static Map<String, String> finalizeAttributes() {
    return Map.of(
        "eventType", "OBJECT_FINALIZE",
        "payloadFormat", "JSON_API_V1",
        "bucketId", "b1",
        "objectId", "scenes/k1/assets/.regen3d_complete",
        "objectGeneration", "1732300000000000");
  }

  @Test
  void deliversAFinalizeNotificationAsABinaryModeStorageCloudEvent() throws Exception {
    PubSubEmulator emulator = EMULATORS.pubSub();
    String topic = emulator.createTopic("notif");
    String subscription = emulator.createSubscription(topic, false);
    String messageId =
        emulator.publish(
            topic, OBJECT.getBytes(StandardCharsets.UTF_8), finalizeAttributes(), null);
    NotificationBridge bridge = bridge(emulator, subscription);

    awaitDelivered(bridge, 1);

    assertEquals(1, deliveries.size(), deliveries.toString());
    Delivery d = deliveries.get(0);
    assertEquals("1.0", d.headers().get("ce-specversion"));
    assertEquals(messageId, d.headers().get("ce-id"));
    assertEquals("//storage.googleapis.com/projects/_/buckets/b1", d.headers().get("ce-source"));
    assertEquals("google.cloud.storage.object.v1.finalized", d.headers().get("ce-type"));
    assertEquals("objects/scenes/k1/assets/.regen3d_complete", d.headers().get("ce-subject"));
    assertEquals("2026-11-22T18:00:00.000Z", d.headers().get("ce-time"));
    assertEquals("application/json", d.headers().get("content-type"));
    assertArrayEquals(OBJECT.getBytes(StandardCharsets.UTF_8), d.body());
  }

  @Test
  void aFailedDeliveryIsNotAcknowledgedAndComesAgain() throws Exception {
    failFirst.set(2);
    PubSubEmulator emulator = EMULATORS.pubSub();
    String topic = emulator.createTopic("notif");
    String subscription = emulator.createSubscription(topic, false);
    emulator.publish(topic, OBJECT.getBytes(StandardCharsets.UTF_8), finalizeAttributes(), null);
    NotificationBridge bridge = bridge(emulator, subscription);

    awaitDelivered(bridge, 1);

    assertEquals(2, bridge.failures());
    assertEquals(3, deliveries.size(), deliveries.toString());
    assertEquals(1, deliveries.stream().map(d -> d.headers().get("ce-id")).distinct().count());
  }

  @Test
  void otherNotificationsAreAcknowledgedWithoutADelivery() throws Exception {
    PubSubEmulator emulator = EMULATORS.pubSub();
    String topic = emulator.createTopic("notif");
    String subscription = emulator.createSubscription(topic, false);
    Map<String, String> delete = new java.util.HashMap<>(finalizeAttributes());
    delete.put("eventType", "OBJECT_DELETE");
    emulator.publish(topic, OBJECT.getBytes(StandardCharsets.UTF_8), delete, null);
    emulator.publish(topic, OBJECT.getBytes(StandardCharsets.UTF_8), finalizeAttributes(), null);
    NotificationBridge bridge = bridge(emulator, subscription);

    awaitDelivered(bridge, 1);

    assertEquals(1, deliveries.size(), deliveries.toString());
    assertTrue(bridge.failures() == 0);
  }

  private static void awaitDelivered(NotificationBridge bridge, long count) throws Exception {
    long end = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    while (bridge.delivered() < count) {
      if (System.nanoTime() > end) {
        throw new AssertionError("delivered " + bridge.delivered() + " of " + count);
      }
      Thread.sleep(20); // poll interval
    }
  }
}
