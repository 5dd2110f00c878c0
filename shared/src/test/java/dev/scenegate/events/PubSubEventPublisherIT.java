package dev.scenegate.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.PubSubEmulator;
import dev.scenegate.testing.PulledMessage;
import dev.scenegate.testing.UniqueNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Pub/Sub adapter against the Google Pub/Sub emulator. */
class PubSubEventPublisherIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.pubSubOnly();

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static PubSubConfig config(String stageTopic, String alertTopic) {
    PubSubEmulator pubSub = EMULATORS.pubSub();
    return PubSubConfig.fromEnvironment(
        Map.of(
            "PUBSUB_EMULATOR_HOST",
            pubSub.host(),
            "GOOGLE_CLOUD_PROJECT",
            pubSub.projectId(),
            "STAGE_EVENTS_TOPIC",
            stageTopic,
            "CHECKSUM_ALERTS_TOPIC",
            alertTopic));
  }

  @Test
  void messagesArriveWithDataAttributesAndOrderingKeyInOrder() throws Exception {
    PubSubEmulator pubSub = EMULATORS.pubSub();
    String topic = pubSub.createTopic("stage-events");
    String subscription = pubSub.createSubscription(topic);
    List<String> ids = new ArrayList<>();
    try (PubSubEventPublisher publisher =
        new PubSubEventPublisher(config(topic, "unused-alerts"))) {
      for (String status : List.of("running", "passed", "failed")) {
        ids.add(
            publisher.publish(
                OutboundMessage.of(
                    Topic.STAGE_EVENTS,
                    json("{\"scene_id\":\"kitchen_001\",\"status\":\"" + status + "\"}"),
                    Map.of("scene_id", "kitchen_001", "stage", "regen3d", "status", status),
                    "kitchen_001")));
      }
    }
    List<PulledMessage> messages = pubSub.awaitMessages(subscription, 3);
    assertEquals(3, messages.size(), messages.toString());
    assertEquals(ids, messages.stream().map(PulledMessage::messageId).toList());
    assertEquals(
        List.of("running", "passed", "failed"),
        messages.stream().map(m -> m.attributes().get("status")).toList());
    PulledMessage first = messages.get(0);
    assertEquals("{\"scene_id\":\"kitchen_001\",\"status\":\"running\"}", first.text());
    assertEquals(
        Map.of("scene_id", "kitchen_001", "stage", "regen3d", "status", "running"),
        first.attributes());
    assertEquals("kitchen_001", first.orderingKey());
  }

  @Test
  void eachLogicalTopicGoesToItsConfiguredTopic() throws Exception {
    PubSubEmulator pubSub = EMULATORS.pubSub();
    String stage = pubSub.createTopic("stage");
    String alerts = pubSub.createTopic("alerts");
    String stageSub = pubSub.createSubscription(stage);
    String alertSub = pubSub.createSubscription(alerts);
    try (PubSubEventPublisher publisher = new PubSubEventPublisher(config(stage, alerts))) {
      publisher.publish(
          OutboundMessage.of(
              Topic.CHECKSUM_ALERTS,
              json("{\"kind\":\"checksum_failure\"}"),
              Map.of("kind", "checksum_failure"),
              null));
      publisher.publish(OutboundMessage.of(Topic.STAGE_EVENTS, json("{}"), Map.of(), "s1"));
    }
    List<PulledMessage> alertMessages = pubSub.awaitMessages(alertSub, 1);
    List<PulledMessage> stageMessages = pubSub.awaitMessages(stageSub, 1);
    assertEquals("{\"kind\":\"checksum_failure\"}", alertMessages.get(0).text());
    assertEquals(null, alertMessages.get(0).orderingKey());
    assertEquals("s1", stageMessages.get(0).orderingKey());
    assertTrue(pubSub.pull(alertSub, 10).isEmpty(), "nothing else on the alert topic");
  }

  @Test
  void aFailedOrderedPublishThrowsAndTheKeyIsResumedForTheRetry() throws Exception {
    PubSubEmulator pubSub = EMULATORS.pubSub();
    String topic = UniqueNames.pubSub("late-topic");
    try (PubSubEventPublisher publisher = new PubSubEventPublisher(config(topic, "unused"))) {
      OutboundMessage message =
          OutboundMessage.of(Topic.STAGE_EVENTS, json("{\"n\":1}"), Map.of("n", "1"), "scene-7");
      IOException failure = assertThrows(IOException.class, () -> publisher.publish(message));
      assertTrue(failure.getMessage().contains(topic), failure.getMessage());
      // The topic appears (a transient fault cleared): the retry with the same key must go through.
      pubSub.createTopicNamed(topic);
      String subscription = pubSub.createSubscription(topic);
      String id = publisher.publish(message);
      List<PulledMessage> messages = pubSub.awaitMessages(subscription, 1);
      assertEquals(id, messages.get(0).messageId());
      assertEquals("scene-7", messages.get(0).orderingKey());
    }
  }

  @Test
  void publishingAfterCloseFails() throws Exception {
    PubSubEventPublisher publisher = new PubSubEventPublisher(config("a-topic", "b-topic"));
    publisher.close();
    assertThrows(
        IOException.class,
        () ->
            publisher.publish(OutboundMessage.of(Topic.STAGE_EVENTS, json("{}"), Map.of(), null)));
  }
}
