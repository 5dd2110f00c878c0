package dev.scenegate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.alerts.WebhookSigner;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.functions.AlertNotifierPushFunction;
import dev.scenegate.functions.FunctionInvoker;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.FakeGcs;
import dev.scenegate.testing.PubSubEmulator;
import dev.scenegate.testing.WebhookReceiver;
import dev.scenegate.testing.WebhookReceiver.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What Terraform deploys for the alert notifier (terraform/pubsub.tf, {@code
 * google_pubsub_subscription.notifier}): a Pub/Sub push subscription POSTing the plain push
 * envelope to {@link AlertNotifierPushFunction}, deployed as an HTTP function. Here the Pub/Sub
 * emulator's own push delivery calls the function on the real Functions Framework invoker; a 500
 * from the function makes Pub/Sub redeliver, which is what the subscription's retry policy and
 * dead-letter topic build on.
 */
class NotifierPushSubscriptionIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsAndPubSub();

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static WebhookReceiver receiver;
  private static FunctionInvoker function;
  private static PubSubEmulator pubSub;
  private static String topic;

  @BeforeAll
  static void start() throws Exception {
    FakeGcs gcs = EMULATORS.gcs();
    pubSub = EMULATORS.pubSub();
    topic = pubSub.createTopic("checksum-alerts");
    receiver = new WebhookReceiver();
    Map<String, String> env = new HashMap<>();
    env.put("WEBHOOK_URLS", receiver.url("/json").toString());
    env.put("SCENEGATE_WEBHOOK_SECRET", "it-secret-" + UUID.randomUUID());
    env.put("STATE_BUCKET", gcs.createBucket("alert-state"));
    env.put("STORAGE_EMULATOR_HOST", gcs.storageEmulatorHost());
    env.put("GOOGLE_CLOUD_PROJECT", FakeGcs.PROJECT_ID);
    env.put("WEBHOOK_TIMEOUT_SECONDS", "5");
    env.put("WEBHOOK_RETRY_BUDGET_SECONDS", "1");
    env.put("WEBHOOK_RETRY_BASE_MILLIS", "20");
    // As Cloud Functions declares a function without an event trigger.
    env.put("FUNCTION_SIGNATURE_TYPE", "http");
    function = FunctionInvoker.start(AlertNotifierPushFunction.class, env);
    createPushSubscription(topic + "-push", function.uri());
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

  @Test
  void pushedAlertReachesTheWebhookOnce() throws Exception {
    String id = "push-" + UUID.randomUUID();
    publish(id);
    assertEquals(1, awaitRequests(id, 1).size());
  }

  @Test
  void failureIsAnsweredWith500AndPubSubRedeliversUntilDelivered() throws Exception {
    String id = "push-retry-" + UUID.randomUUID();
    // More refusals than one invocation's retry budget (1 s, from 20 ms doubling) can use up: the
    // function must answer 500 and the emulator push the message again, until the webhook takes it.
    Reply[] refusals = new Reply[12];
    java.util.Arrays.fill(refusals, Reply.status(503));
    receiver.respondAt("/json", refusals);
    publish(id);
    List<WebhookReceiver.Request> got = awaitRequests(id, refusals.length + 1);
    assertEquals(refusals.length + 1, got.size(), "twelve refusals, then the one delivery");
    assertTrue(
        function.logText().contains("alert not delivered yet; Pub/Sub redelivers"),
        function.logTail());
  }

  private static void publish(String alertId) {
    ChecksumAlert alert =
        new ChecksumAlert(
            alertId,
            "checksum_failure",
            "critical",
            "kitchen_001",
            "prod-scenes",
            "scenes/kitchen_001/assets/source_checksums.json",
            List.of(
                new ChecksumAlert.Failure(
                    "obj_1/asset.glb",
                    "SHA256_MISMATCH",
                    "a".repeat(64),
                    "b".repeat(64),
                    10L,
                    10L)),
            ChecksumAlert.REMEDIATION,
            "2026-11-22T18:00:00Z",
            null);
    OutboundMessage message = alert.toMessage();
    pubSub.publish(topic, message.data(), message.attributes(), null);
  }

  /** Polls the receiver (generous deadline) until {@code count} requests carry the alert id. */
  private static List<WebhookReceiver.Request> awaitRequests(String alertId, int count)
      throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      List<WebhookReceiver.Request> got =
          receiver.requests("/json").stream()
              .filter(r -> alertId.equals(r.header(WebhookSigner.ALERT_ID_HEADER)))
              .toList();
      if (got.size() >= count || System.nanoTime() > end) {
        return got;
      }
      try {
        receiver.awaitRequests(
            receiver.requests().size() + 1, Duration.ofNanos(end - System.nanoTime()));
      } catch (AssertionError timedOut) {
        return got; // the caller's assertion shows what did arrive
      }
    }
  }

  /** PUT of a push subscription through the emulator's REST API, as Terraform creates it. */
  private static void createPushSubscription(String id, URI endpoint) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("topic", pubSub.topicPath(topic));
    body.put("ackDeadlineSeconds", 30);
    body.putObject("pushConfig").put("pushEndpoint", endpoint.toString());
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://" + pubSub.host() + "/v1/" + pubSub.subscriptionPath(id)))
                    .header("content-type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
  }
}
