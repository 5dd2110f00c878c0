package dev.scenegate.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.alerts.AlertNotifier.Outcome;
import dev.scenegate.alerts.AlertNotifier.WebhookOutcome;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.testing.WebhookReceiver;
import dev.scenegate.testing.WebhookReceiver.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertNotifierTest {
  private static final String SECRET = "s3cr3t-signing-key-do-not-log";

  @TempDir Path stateDir;
  private WebhookReceiver receiver;
  private Webhook json;
  private Webhook slack;
  private LocalObjectStore store;
  private SimpleMeterRegistry registry;
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private final List<AlertNotifier> notifiers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    receiver = new WebhookReceiver();
    json = Webhook.parse(receiver.url("/generic/tok-123").toString(), Webhook.Format.JSON);
    slack =
        Webhook.parse(receiver.url("/services/T0/B0/slacktoken").toString(), Webhook.Format.SLACK);
    store = new LocalObjectStore(stateDir);
    registry = new SimpleMeterRegistry();
    JsonLog.redirect(new PrintStream(logs, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    JsonLog.redirect(System.err);
    notifiers.forEach(AlertNotifier::close);
    receiver.close();
  }

  private AlertNotifier notifier(List<Webhook> webhooks, Duration lease) {
    return notifier(webhooks, lease, WebhookSenderTest.FAST);
  }

  private AlertNotifier notifier(List<Webhook> webhooks, Duration lease, RetryPolicy policy) {
    AlertNotifier notifier =
        new AlertNotifier(
            webhooks,
            WebhookSender.create(WebhookSecret.of(SECRET), policy),
            new WebhookPayloads(AlertText.standard()),
            new DeliveryLedger(store, "_scenegate/state/", Clock.systemUTC()),
            lease,
            registry);
    notifiers.add(notifier);
    return notifier;
  }

  private AlertNotifier notifier() {
    return notifier(List.of(json, slack), Duration.ofMinutes(2));
  }

  @Test
  void deliversToEveryWebhookInItsFormat() throws Exception {
    AlertNotifier.Report report =
        notifier().handle(AlertFixtures.bytes(AlertFixtures.checksumFailure("a-1", 2)), "m1");
    assertEquals(Outcome.DONE, report.outcome());
    assertEquals(
        Map.of(json.key(), WebhookOutcome.SENT, slack.key(), WebhookOutcome.SENT),
        report.webhooks());
    JsonNode generic =
        EventJson.MAPPER.readTree(receiver.requests("/generic/tok-123").get(0).body());
    assertEquals("a-1", generic.path("alert_id").asText());
    assertEquals(2, generic.path("failures").size());
    assertTrue(generic.path("text").asText().contains("kitchen_001"));
    JsonNode slackBody =
        EventJson.MAPPER.readTree(receiver.requests("/services/T0/B0/slacktoken").get(0).body());
    assertTrue(slackBody.path("text").asText().contains("*Remediation:*"));
    assertTrue(
        store.stat("_scenegate/state/_alerts/delivered/a-1/" + json.key() + ".json").isPresent());
  }

  @Test
  void redeliveredAlertIsNotSentTwice() throws Exception {
    byte[] message = AlertFixtures.bytes(AlertFixtures.checksumFailure("a-2", 1));
    notifier().handle(message, "m1");
    // A new instance (cold start) sees the same durable ledger.
    AlertNotifier.Report again = notifier().handle(message, "m1");
    assertEquals(
        Map.of(
            json.key(), WebhookOutcome.ALREADY_DELIVERED,
            slack.key(), WebhookOutcome.ALREADY_DELIVERED),
        again.webhooks());
    assertEquals(2, receiver.requests().size());
    assertEquals(
        2.0,
        registry
                .counter("scenegate.alerts.deliveries", "format", "json", "outcome", "delivered")
                .count()
            + registry
                .counter("scenegate.alerts.deliveries", "format", "json", "outcome", "duplicate")
                .count());
  }

  @Test
  void partialSuccessResendsOnlyToTheWebhookThatFailed() throws Exception {
    Webhook flaky = Webhook.parse(receiver.url("/flaky").toString(), Webhook.Format.JSON);
    receiver.respond(); // no script: default answers 200 except where overridden below
    WebhookReceiver down = new WebhookReceiver().otherwise(Reply.status(503));
    try {
      Webhook downHook = Webhook.parse(down.url("/down").toString(), Webhook.Format.JSON);
      AlertNotifier notifier =
          notifier(List.of(flaky, downHook), Duration.ofMinutes(2), WebhookSenderTest.GIVE_UP);
      byte[] message = AlertFixtures.bytes(AlertFixtures.checksumFailure("a-3", 1));
      WebhookDeliveryException e =
          assertThrows(WebhookDeliveryException.class, () -> notifier.handle(message, "m1"));
      assertTrue(e.getMessage().contains(downHook.key()), e.getMessage());
      assertFalse(e.getMessage().contains("/down"), e.getMessage());
      assertEquals(1, receiver.requests("/flaky").size());
      int failedAttempts = down.requests().size();
      assertTrue(failedAttempts >= 2);

      // The receiver recovers; Pub/Sub redelivers: only the failed webhook gets it now.
      down.otherwise(Reply.status(200));
      AlertNotifier.Report report = notifier.handle(message, "m1");
      assertEquals(WebhookOutcome.ALREADY_DELIVERED, report.webhooks().get(flaky.key()));
      assertEquals(WebhookOutcome.SENT, report.webhooks().get(downHook.key()));
      assertEquals(1, receiver.requests("/flaky").size());
      assertEquals(failedAttempts + 1, down.requests().size());
    } finally {
      down.close();
    }
  }

  @Test
  void clientErrorIsAcknowledgedAndNotRetried() throws Exception {
    receiver.otherwise(Reply.status(404, "no_service"));
    AlertNotifier notifier = notifier(List.of(json), Duration.ofMinutes(2));
    byte[] message = AlertFixtures.bytes(AlertFixtures.checksumFailure("a-4", 1));
    AlertNotifier.Report report = notifier.handle(message, "m1");
    assertEquals(Outcome.DONE, report.outcome());
    assertEquals(WebhookOutcome.REJECTED, report.webhooks().get(json.key()));
    assertEquals(1, receiver.requests().size());
    String log = logs.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("webhook refused the alert"), log);
    assertTrue(log.contains("no_service"), log);

    // A duplicate delivery of the same message does not try again.
    assertEquals(
        WebhookOutcome.ALREADY_REJECTED, notifier.handle(message, "m1").webhooks().get(json.key()));
    assertEquals(1, receiver.requests().size());
  }

  @Test
  void malformedMessageIsAcknowledgedAndLogged() throws Exception {
    AlertNotifier notifier = notifier();
    for (String bad :
        List.of("{not json", "{\"kind\":\"drift\",\"scene_id\":\"s\"}", "{\"alert_id\":\"x\"}")) {
      AlertNotifier.Report report = notifier.handle(bad.getBytes(StandardCharsets.UTF_8), "m9");
      assertEquals(Outcome.POISON, report.outcome());
    }
    assertEquals(0, receiver.requests().size());
    List<JsonNode> lines = logLines();
    long poison =
        lines.stream()
            .filter(l -> l.path("severity").asText().equals("ERROR"))
            .filter(l -> l.path("message").asText().contains("not a valid alert"))
            .filter(l -> l.path("message_id").asText().equals("m9"))
            .count();
    assertEquals(3, poison, lines.toString());
    assertTrue(
        lines.stream()
            .anyMatch(l -> l.path("reason").asText().contains("missing required field alert_id")));
    assertEquals(3.0, registry.counter("scenegate.alerts.received", "outcome", "poison").count());
  }

  @Test
  void concurrentDeliveriesOfOneAlertSendItOnce() throws Exception {
    // The receiver holds the first request until the competing delivery has been turned away.
    CountDownLatch competitorDone = new CountDownLatch(1);
    receiver.respond(Reply.after(competitorDone, 200));
    List<AlertNotifier> instances =
        List.of(
            notifier(List.of(json), Duration.ofMinutes(5)),
            notifier(List.of(json), Duration.ofMinutes(5)));
    byte[] message = AlertFixtures.bytes(AlertFixtures.checksumFailure("a-5", 1));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<AlertNotifier.Report> first =
          pool.submit(() -> instances.get(0).handle(message, "m1"));
      receiver.awaitRequests(1, Duration.ofSeconds(60));
      WebhookDeliveryException busy =
          assertThrows(
              WebhookDeliveryException.class, () -> instances.get(1).handle(message, "m1"));
      assertTrue(busy.getMessage().contains("another invocation"), busy.getMessage());
      competitorDone.countDown();
      assertEquals(WebhookOutcome.SENT, first.get().webhooks().get(json.key()));
      // Pub/Sub redelivers the competitor's message: now it is a known duplicate.
      assertEquals(
          WebhookOutcome.ALREADY_DELIVERED,
          instances.get(1).handle(message, "m1").webhooks().get(json.key()));
    } finally {
      competitorDone.countDown();
      pool.shutdownNow();
    }
    assertEquals(1, receiver.requests().size());
  }

  @Test
  void withoutWebhooksAlertsAreLoggedWithTheirText() throws Exception {
    AlertNotifier notifier = AlertNotifier.create(NotifierConfig.fromEnv(Map.of()), null, registry);
    notifiers.add(notifier);
    AlertNotifier.Report report =
        notifier.handle(AlertFixtures.bytes(AlertFixtures.checksumFailure("a-0", 1)), "m1");
    assertEquals(Outcome.DONE, report.outcome());
    assertTrue(
        logLines().stream()
            .anyMatch(
                l ->
                    l.path("severity").asText().equals("WARNING")
                        && l.path("text").asText().contains("obj_0/asset.glb")));
  }

  @Test
  void expiredClaimIsTakenOver() throws Exception {
    // An instance died mid-delivery: its claim's lease ran out long ago.
    Instant past = Instant.parse("2020-01-01T00:00:00Z");
    DeliveryLedger oldLedger =
        new DeliveryLedger(store, "_scenegate/state/", Clock.fixed(past, java.time.ZoneOffset.UTC));
    DeliveryLedger.Claim stale = oldLedger.claim("a-6", json, Duration.ofMinutes(1));
    assertEquals(DeliveryLedger.ClaimState.CLAIMED, stale.state());

    AlertNotifier.Report report =
        notifier(List.of(json), Duration.ofMinutes(2))
            .handle(AlertFixtures.bytes(AlertFixtures.checksumFailure("a-6", 1)), "m1");
    assertEquals(WebhookOutcome.SENT, report.webhooks().get(json.key()));
    JsonNode record = EventJson.MAPPER.readTree(store.readSmall(stale.object(), 0, 10_000));
    assertEquals("delivered", record.path("state").asText());
    assertEquals(1, receiver.requests().size());
  }

  @Test
  void unreadableLedgerRecordIsTakenOver() throws Exception {
    DeliveryLedger ledger = new DeliveryLedger(store, "_scenegate/state/", Clock.systemUTC());
    store.write(
        ledger.objectName("a-7", json),
        "garbage".getBytes(StandardCharsets.UTF_8),
        "application/json",
        Map.of(),
        Precondition.doesNotExist());
    AlertNotifier.Report report =
        notifier(List.of(json), Duration.ofMinutes(2))
            .handle(AlertFixtures.bytes(AlertFixtures.checksumFailure("a-7", 1)), "m1");
    assertEquals(WebhookOutcome.SENT, report.webhooks().get(json.key()));
  }

  @Test
  void hostileAlertIdsStayInsideTheLedgerFolder() {
    DeliveryLedger ledger = new DeliveryLedger(store, "_scenegate/state/", Clock.systemUTC());
    String name = ledger.objectName("../../scenes/x/assets/.regen3d_complete", json);
    assertTrue(name.startsWith("_scenegate/state/_alerts/delivered/_h_"), name);
    assertEquals(6, name.split("/").length, name);
    assertEquals(
        "_scenegate/state/_alerts/delivered/plain-id_1.2/" + json.key() + ".json",
        ledger.objectName("plain-id_1.2", json));
  }

  @Test
  void neitherTheSecretNorWebhookUrlsReachTheLogs() throws Exception {
    JsonLog.threshold(dev.scenegate.logging.Severity.DEBUG);
    try {
      receiver.respond(Reply.status(500), Reply.status(400, "bad"));
      WebhookReceiver down = new WebhookReceiver().otherwise(Reply.status(503));
      try {
        Webhook downHook =
            Webhook.parse(down.url("/services/T1/B1/downtoken").toString(), Webhook.Format.SLACK);
        AlertNotifier notifier =
            notifier(
                List.of(json, slack, downHook), Duration.ofMinutes(2), WebhookSenderTest.GIVE_UP);
        assertThrows(
            WebhookDeliveryException.class,
            () ->
                notifier.handle(
                    AlertFixtures.bytes(AlertFixtures.checksumFailure("a-8", 1)), "m1"));
        notifier.handle("garbage".getBytes(StandardCharsets.UTF_8), "m2");
      } finally {
        down.close();
      }
      NotifierConfig config =
          NotifierConfig.fromEnv(
              Map.of(
                  "WEBHOOK_URLS",
                  json.url().toString(),
                  "SCENEGATE_WEBHOOK_SECRET",
                  SECRET,
                  "STATE_BUCKET",
                  "state"));
      JsonLog.get(AlertNotifierTest.class).info("config", "config", config.toString());
    } finally {
      JsonLog.threshold(dev.scenegate.logging.Severity.INFO);
    }
    String log = logs.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("alert delivered") || log.contains("webhook refused"), log);
    assertTrue(log.contains("will retry"), log);
    assertFalse(log.contains(SECRET), log);
    assertFalse(log.contains("tok-123"), log);
    assertFalse(log.contains("slacktoken"), log);
    assertFalse(log.contains("downtoken"), log);
  }

  private List<JsonNode> logLines() throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : logs.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        lines.add(EventJson.MAPPER.readTree(line));
      }
    }
    return lines;
  }

  @Test
  void deliversFreshnessAndFixityAlertsToEveryWebhook() throws Exception {
    AlertNotifier notifier = notifier();
    for (ChecksumAlert alert : List.of(AlertFixtures.freshnessRunning(), AlertFixtures.fixity())) {
      AlertNotifier.Report report = notifier.handle(AlertFixtures.bytes(alert), alert.alertId());
      assertEquals(Outcome.DONE, report.outcome(), alert.kind());
      assertEquals(
          Map.of(json.key(), WebhookOutcome.SENT, slack.key(), WebhookOutcome.SENT),
          report.webhooks());
    }
    List<WebhookReceiver.Request> generic = receiver.requests("/generic/tok-123");
    assertEquals(2, generic.size());
    JsonNode freshness = EventJson.MAPPER.readTree(generic.get(0).body());
    assertEquals("freshness", freshness.path("kind").asText());
    assertEquals("geniesim_export", freshness.path("stage").asText());
    assertEquals(
        "scenes/kitchen_001/geniesim/.geniesim_submitted",
        freshness.path("marker").path("object").asText());
    assertTrue(freshness.path("text").asText().contains("stage past its deadline"));
    JsonNode fixity = EventJson.MAPPER.readTree(generic.get(1).body());
    assertEquals("fixity", fixity.path("kind").asText());
    assertEquals(
        "1732300000000222", fixity.path("failures").path(0).path("actual_generation").asText());
    List<WebhookReceiver.Request> slackBodies = receiver.requests("/services/T0/B0/slacktoken");
    assertTrue(
        EventJson.MAPPER
            .readTree(slackBodies.get(1).body())
            .path("text")
            .asText()
            .contains("*Findings (3):*"));
  }
}
