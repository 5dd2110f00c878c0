package dev.scenegate.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.alerts.WebhookSecret;
import dev.scenegate.alerts.WebhookSigner;
import dev.scenegate.audit.AuditFinding;
import dev.scenegate.audit.FixityAlert;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.events.PubSubConfig;
import dev.scenegate.events.PubSubEventPublisher;
import dev.scenegate.events.Topic;
import dev.scenegate.pipeline.MarkerRef;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.scene.Stage;
import dev.scenegate.sweep.FreshnessAlert;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.FakeGcs;
import dev.scenegate.testing.PubSubEmulator;
import dev.scenegate.testing.WebhookReceiver;
import dev.scenegate.testing.WebhookReceiver.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * AlertNotifierFunction served by the Functions Framework invoker, fed from a Pub/Sub emulator
 * topic as Eventarc feeds it, posting to a local HTTP receiver, keeping its ledger in
 * fake-gcs-server. One function process for the class; each test uses its own alert ids.
 */
class AlertNotifierFunctionIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsAndPubSub();

  private static final String SECRET = "it-secret-" + UUID.randomUUID();
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  private static WebhookReceiver receiver;
  private static FunctionInvoker function;
  private static PubSubEmulator pubSub;
  private static String topic;
  private static PubSubPushRelay relay;
  private static FakeGcs gcs;
  private static String stateBucket;

  @BeforeAll
  static void start() throws Exception {
    gcs = EMULATORS.gcs();
    pubSub = EMULATORS.pubSub();
    stateBucket = gcs.createBucket("alert-state");
    topic = pubSub.createTopic("checksum-alerts");
    String subscription = pubSub.createSubscription(topic, false);
    receiver = new WebhookReceiver();
    Map<String, String> env = new HashMap<>();
    env.put("WEBHOOK_URLS", receiver.url("/json").toString());
    env.put("SLACK_WEBHOOK_URLS", receiver.url("/slack").toString());
    env.put("SCENEGATE_WEBHOOK_SECRET", SECRET);
    env.put("STATE_BUCKET", stateBucket);
    env.put("STORAGE_EMULATOR_HOST", gcs.storageEmulatorHost());
    env.put("GOOGLE_CLOUD_PROJECT", FakeGcs.PROJECT_ID);
    env.put("WEBHOOK_TIMEOUT_SECONDS", "5");
    env.put("WEBHOOK_RETRY_BUDGET_SECONDS", "2");
    env.put("WEBHOOK_RETRY_BASE_MILLIS", "20");
    env.put("SCENEGATE_LOG_LEVEL", "INFO");
    function = FunctionInvoker.start(AlertNotifierFunction.class, env);
    relay = new PubSubPushRelay(pubSub.host(), pubSub.projectId(), topic, subscription, function);
  }

  @AfterAll
  static void stop() {
    if (function != null) {
      function.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  private static ChecksumAlert alert(String alertId) {
    return new ChecksumAlert(
        alertId,
        "checksum_failure",
        "critical",
        "kitchen_001",
        "prod-scenes",
        "scenes/kitchen_001/assets/source_checksums.json",
        List.of(
            new ChecksumAlert.Failure(
                "obj_1/asset.glb", "SHA256_MISMATCH", "a".repeat(64), "b".repeat(64), 10L, 10L)),
        ChecksumAlert.REMEDIATION,
        "2026-11-22T18:00:00Z",
        null);
  }

  private static String publish(ChecksumAlert alert) {
    OutboundMessage message = alert.toMessage();
    return pubSub.publish(topic, message.data(), message.attributes(), null);
  }

  private static List<WebhookReceiver.Request> requests(String path, String alertId) {
    return receiver.requests(path).stream()
        .filter(r -> alertId.equals(r.header(WebhookSigner.ALERT_ID_HEADER)))
        .toList();
  }

  @Test
  void deliversSignedAlertsFromTheTopicToEveryWebhook() throws Exception {
    String id = "it-deliver-" + UUID.randomUUID();
    // Published as the marker function publishes: through the Pub/Sub adapter, ordering key and
    // attributes included.
    PubSubConfig config =
        PubSubConfig.emulator(pubSub.host(), pubSub.projectId())
            .withTopicName(Topic.CHECKSUM_ALERTS, topic);
    try (PubSubEventPublisher publisher = new PubSubEventPublisher(config)) {
      publisher.publish(alert(id).toMessage());
    }
    PubSubPushRelay.Delivery delivery = relay.pushNext(1, DEADLINE).get(0);
    assertTrue(delivery.acknowledged(), delivery.toString());

    WebhookSigner verifier = new WebhookSigner(WebhookSecret.of(SECRET));
    for (String path : List.of("/json", "/slack")) {
      List<WebhookReceiver.Request> got = requests(path, id);
      assertEquals(1, got.size(), path);
      WebhookReceiver.Request request = got.get(0);
      assertEquals(
          WebhookSigner.Check.VALID,
          verifier.verify(
              request.body(),
              request.header(WebhookSigner.TIMESTAMP_HEADER),
              request.header(WebhookSigner.SIGNATURE_HEADER),
              Instant.now(),
              WebhookSigner.DEFAULT_TOLERANCE),
          path);
    }
    JsonNode generic = EventJson.MAPPER.readTree(requests("/json", id).get(0).body());
    assertEquals(id, generic.path("alert_id").asText());
    assertEquals("b".repeat(64), generic.path("failures").path(0).path("actual_sha256").asText());
    String slack =
        EventJson.MAPPER.readTree(requests("/slack", id).get(0).body()).path("text").asText();
    assertTrue(slack.contains("gs://prod-scenes/scenes/kitchen_001/assets/obj_1/asset.glb"), slack);
    assertTrue(slack.contains("regen3d-job"), slack);

    // The ledger records both deliveries in the state bucket (fake-gcs-server).
    long records =
        gcs.storage()
            .list(
                stateBucket,
                com.google.cloud.storage.Storage.BlobListOption.prefix(
                    "_scenegate/state/_alerts/delivered/" + id + "/"))
            .streamAll()
            .count();
    assertEquals(2, records);
  }

  @Test
  void deliversFreshnessAndFixityAlertsLikeEveryOtherKind() throws Exception {
    String scene = "it_kinds_" + UUID.randomUUID().toString().substring(0, 8);
    ChecksumAlert freshness =
        FreshnessAlert.of(
            new FreshnessAlert.StaleStage(
                scene,
                "prod-scenes",
                Stage.GENIESIM_EXPORT,
                StageStatus.RUNNING,
                "2026-11-22T06:00:00Z",
                MarkerRef.of("scenes/" + scene + "/geniesim/.geniesim_submitted", 17L),
                null,
                null,
                Duration.ofHours(6)),
            Instant.parse("2026-11-22T13:00:00Z"));
    ChecksumAlert fixity =
        FixityAlert.of(
            scene,
            "prod-scenes",
            List.of(
                new AuditFinding(
                    scene,
                    "scenes/" + scene + "/assets/source_checksums.json",
                    "obj_1/asset.glb",
                    AuditFinding.Kind.MISSING,
                    21L,
                    null,
                    "a".repeat(64),
                    null)),
            Instant.parse("2026-11-22T14:00:00Z"));
    PubSubConfig config =
        PubSubConfig.emulator(pubSub.host(), pubSub.projectId())
            .withTopicName(Topic.CHECKSUM_ALERTS, topic);
    try (PubSubEventPublisher publisher = new PubSubEventPublisher(config)) {
      publisher.publish(freshness.toMessage());
      publisher.publish(fixity.toMessage());
    }
    List<PubSubPushRelay.Delivery> deliveries = relay.pushNext(2, DEADLINE);
    assertTrue(
        deliveries.stream().allMatch(PubSubPushRelay.Delivery::acknowledged),
        deliveries.toString());

    JsonNode generic =
        EventJson.MAPPER.readTree(requests("/json", freshness.alertId()).get(0).body());
    assertEquals("freshness", generic.path("kind").asText());
    assertEquals("warning", generic.path("severity").asText());
    assertEquals("running", generic.path("status").asText());
    assertEquals("17", generic.path("marker").path("generation").asText());
    assertTrue(generic.path("text").asText().contains("stage past its deadline"));
    String slack =
        EventJson.MAPPER
            .readTree(requests("/slack", freshness.alertId()).get(0).body())
            .path("text")
            .asText();
    assertTrue(slack.contains("*Status:* running since 2026-11-22T06:00:00Z"), slack);

    JsonNode fixed = EventJson.MAPPER.readTree(requests("/json", fixity.alertId()).get(0).body());
    assertEquals("fixity", fixed.path("kind").asText());
    assertEquals("21", fixed.path("failures").path(0).path("expected_generation").asText());
    String fixitySlack =
        EventJson.MAPPER
            .readTree(requests("/slack", fixity.alertId()).get(0).body())
            .path("text")
            .asText();
    assertTrue(fixitySlack.contains("*Findings (1):*"), fixitySlack);
    assertTrue(fixitySlack.contains("object not found"), fixitySlack);
  }

  @Test
  void serverErrorThenSuccessDeliversOnce() throws Exception {
    String id = "it-500-" + UUID.randomUUID();
    receiver.respondAt("/json", Reply.status(500));
    publish(alert(id));
    PubSubPushRelay.Delivery delivery = relay.pushNext(1, DEADLINE).get(0);
    assertTrue(delivery.acknowledged(), delivery.toString());
    assertEquals(2, requests("/json", id).size());
    assertEquals(1, requests("/slack", id).size());
  }

  @Test
  void redeliveredAlertIsNotSentTwice() throws Exception {
    String id = "it-dup-" + UUID.randomUUID();
    publish(alert(id));
    publish(alert(id));
    List<PubSubPushRelay.Delivery> deliveries = relay.pushNext(2, DEADLINE);
    assertTrue(deliveries.stream().allMatch(PubSubPushRelay.Delivery::acknowledged));
    assertEquals(1, requests("/json", id).size());
    assertEquals(1, requests("/slack", id).size());
  }

  @Test
  void clientErrorIsAcknowledgedAndNotRetried() throws Exception {
    String id = "it-400-" + UUID.randomUUID();
    receiver.respondAt("/slack", Reply.status(400, "invalid_payload"));
    publish(alert(id));
    assertTrue(relay.pushNext(1, DEADLINE).get(0).acknowledged());
    assertEquals(1, requests("/slack", id).size());
    assertEquals(1, requests("/json", id).size());
    // The same alert again (say, a duplicate publish): the refusing webhook is not retried.
    publish(alert(id));
    assertTrue(relay.pushNext(1, DEADLINE).get(0).acknowledged());
    assertEquals(1, requests("/slack", id).size());
    assertTrue(function.logText().contains("webhook refused the alert"));
  }

  @Test
  void transientFailurePastTheBudgetIsRedeliveredToTheFailedWebhookOnly() throws Exception {
    String id = "it-503-" + UUID.randomUUID();
    receiver.otherwiseAt("/slack", Reply.status(503));
    try {
      publish(alert(id));
      PubSubPushRelay.Delivery first = relay.pushNext(1, DEADLINE).get(0);
      assertFalse(first.acknowledged(), first.toString());
      assertTrue(requests("/slack", id).size() >= 2);
      assertEquals(1, requests("/json", id).size());
    } finally {
      receiver.otherwiseAt("/slack", Reply.status(200));
    }
    int slackBefore = requests("/slack", id).size();
    // The emulator redelivers the nacked message.
    PubSubPushRelay.Delivery again = relay.pushNext(1, DEADLINE).get(0);
    assertTrue(again.acknowledged(), again.toString());
    assertEquals(slackBefore + 1, requests("/slack", id).size());
    assertEquals(1, requests("/json", id).size());
  }

  @Test
  void poisonMessagesAreAcknowledgedAndLogged() throws Exception {
    int before = receiver.requests().size();
    String notJson =
        pubSub.publish(topic, "not json".getBytes(StandardCharsets.UTF_8), Map.of(), null);
    String noId =
        pubSub.publish(
            topic,
            "{\"kind\":\"drift\",\"scene_id\":\"s1\"}".getBytes(StandardCharsets.UTF_8),
            Map.of(),
            null);
    List<PubSubPushRelay.Delivery> deliveries = relay.pushNext(2, DEADLINE);
    assertTrue(
        deliveries.stream().allMatch(PubSubPushRelay.Delivery::acknowledged),
        deliveries.toString());

    // A CloudEvent whose message data is not base64, posted straight to the function.
    String envelope =
        "{\"message\":{\"data\":\"%%%\",\"messageId\":\"bad-b64-1\"},\"subscription\":\"x\"}";
    var response =
        function.post(
            envelope,
            Map.of(
                "Content-Type", "application/json",
                "ce-specversion", "1.0",
                "ce-type", PubSubPush.MESSAGE_PUBLISHED,
                "ce-source", "//pubsub.googleapis.com/projects/p/topics/t",
                "ce-id", "bad-b64-1"));
    assertEquals(2, response.statusCode() / 100, response.body());

    assertEquals(before, receiver.requests().size());
    String log = function.logText();
    for (String messageId : List.of(notJson, noId, "bad-b64-1")) {
      assertTrue(
          log.lines()
              .anyMatch(
                  l -> l.contains("not a valid alert") && l.contains("\"" + messageId + "\"")),
          "no poison log line for " + messageId + " in " + function.log());
    }
    assertTrue(log.contains("missing required field alert_id"));
    assertFalse(log.contains(SECRET), "the secret leaked into the function log");
  }
}
