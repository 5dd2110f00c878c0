package dev.scenegate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The harness itself: both emulators answer, names are fresh, notifications flow GCS to Pub/Sub.
 */
class EmulatorsIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsAndPubSub();

  @Test
  void storageRoundTripInFreshBuckets() {
    FakeGcs gcs = EMULATORS.gcs();
    assertSame(gcs, new Emulators().gcs(), "one server per JVM");
    String first = gcs.createBucket();
    String second = gcs.createBucket();
    assertNotEquals(first, second);
    Storage storage = gcs.storage();
    storage.create(
        BlobInfo.newBuilder(BlobId.of(first, "a/b.txt")).build(),
        "hello".getBytes(StandardCharsets.UTF_8));
    assertEquals(
        "hello", new String(storage.readAllBytes(first, "a/b.txt"), StandardCharsets.UTF_8));
    assertEquals(null, storage.get(BlobId.of(second, "a/b.txt")));
    assertTrue(gcs.storageEmulatorHost().startsWith("http://127.0.0.1:"));
  }

  @Test
  void publishedMessagesArePulledWithAttributesAndOrderingKey() {
    PubSubEmulator pubSub = EMULATORS.pubSub();
    String topic = pubSub.createTopic("harness");
    String subscription = pubSub.createSubscription(topic);
    pubSub.publish(topic, "one".getBytes(StandardCharsets.UTF_8), Map.of("k", "v"), "scene-1");
    pubSub.publish(topic, "two".getBytes(StandardCharsets.UTF_8), Map.of(), "scene-1");
    List<PulledMessage> messages = pubSub.awaitMessages(subscription, 2);
    assertEquals(List.of("one", "two"), messages.stream().map(PulledMessage::text).toList());
    assertEquals(Map.of("k", "v"), messages.get(0).attributes());
    assertEquals("scene-1", messages.get(0).orderingKey());
    assertTrue(pubSub.pull(subscription, 10).isEmpty(), "pulled messages are acknowledged");
  }

  @Test
  void notifyingServerPublishesFinalizeEventsForItsPrefix() throws Exception {
    PubSubEmulator pubSub = EMULATORS.pubSub();
    String topic = pubSub.createTopic("finalize");
    String subscription = pubSub.createSubscription(topic, false);
    FakeGcs notifying = EMULATORS.notifyingGcs(topic, "scenes/");
    assertNotEquals(EMULATORS.gcs().port(), notifying.port());
    String bucket = notifying.createBucket();
    Storage storage = notifying.storage();
    storage.create(BlobInfo.newBuilder(BlobId.of(bucket, "other/x")).build(), new byte[] {1});
    storage.create(
        BlobInfo.newBuilder(BlobId.of(bucket, "scenes/s1/assets/.regen3d_complete")).build(),
        new byte[0]);
    List<PulledMessage> messages = pubSub.awaitMessages(subscription, 1);
    assertEquals(1, messages.size(), "finalize notification");
    PulledMessage message = messages.get(0);
    assertEquals(
        "OBJECT_FINALIZE", message.attributes().get("eventType"), message.attributes().toString());
    assertEquals(bucket, message.attributes().get("bucketId"));
    assertEquals("scenes/s1/assets/.regen3d_complete", message.attributes().get("objectId"));
    JsonNode object = new ObjectMapper().readTree(message.data());
    assertEquals("scenes/s1/assets/.regen3d_complete", object.path("name").asText());
    assertTrue(
        pubSub.pull(subscription, 10).isEmpty(), "objects outside the prefix are not announced");
  }
}
