package dev.scenegate.alerts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.testing.WebhookReceiver;
import dev.scenegate.testing.WebhookReceiver.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {
  private static final WebhookSecret SECRET = WebhookSecret.of("test-secret");
  private static final byte[] BODY = "{\"alert_id\":\"a1\"}".getBytes(StandardCharsets.UTF_8);

  /** Short backoff, ample budget: for deliveries expected to succeed. Never asserted as timings. */
  static final RetryPolicy FAST =
      RetryPolicy.of(
          Duration.ofSeconds(5),
          Duration.ofSeconds(30),
          Duration.ofMillis(10),
          Duration.ofMillis(50));

  /** A one-second budget: for deliveries expected to give up. */
  static final RetryPolicy GIVE_UP =
      RetryPolicy.of(
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofMillis(10),
          Duration.ofMillis(50));

  private WebhookReceiver receiver;
  private Webhook webhook;
  private WebhookSender sender;

  @BeforeEach
  void start() throws Exception {
    receiver = new WebhookReceiver();
    webhook = Webhook.parse(receiver.url("/hook/T000/secret-path").toString(), Webhook.Format.JSON);
    sender = WebhookSender.create(SECRET, FAST);
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  @Test
  void deliversSignedBodyOnce() throws Exception {
    DeliveryResult result = sender.deliver(webhook, BODY, "a1");
    assertTrue(result.delivered());
    assertEquals(1, result.attempts());
    WebhookReceiver.Request request = receiver.requests().get(0);
    assertEquals("POST", request.method());
    assertArrayEquals(BODY, request.body());
    assertEquals("a1", request.header(WebhookSigner.ALERT_ID_HEADER));
    assertTrue(request.header("Content-Type").startsWith("application/json"));
    assertEquals(
        WebhookSigner.Check.VALID,
        new WebhookSigner(SECRET)
            .verify(
                request.body(),
                request.header(WebhookSigner.TIMESTAMP_HEADER),
                request.header(WebhookSigner.SIGNATURE_HEADER),
                Instant.now(),
                WebhookSigner.DEFAULT_TOLERANCE));
  }

  @Test
  void serverErrorThenSuccessDeliversOnce() throws Exception {
    receiver.respond(Reply.status(500));
    DeliveryResult result = sender.deliver(webhook, BODY, "a1");
    assertTrue(result.delivered());
    assertEquals(2, result.attempts());
    assertEquals(2, receiver.requests().size());
    // Both attempts were signed (each afresh).
    for (WebhookReceiver.Request request : receiver.requests()) {
      assertTrue(request.header(WebhookSigner.SIGNATURE_HEADER).startsWith("sha256="));
    }
  }

  @Test
  void clientErrorIsGivenUpAtOnce() throws Exception {
    receiver.otherwise(Reply.status(400, "invalid_payload"));
    DeliveryResult result = sender.deliver(webhook, BODY, "a1");
    assertFalse(result.delivered());
    assertEquals(DeliveryResult.Outcome.REJECTED, result.outcome());
    assertEquals(400, result.status());
    assertEquals("invalid_payload", result.responseSnippet());
    assertEquals(1, receiver.requests().size());
  }

  @Test
  void redirectIsNotFollowed() throws Exception {
    receiver.otherwise(Reply.withHeader(302, "Location", "http://127.0.0.1:1/elsewhere"));
    DeliveryResult result = sender.deliver(webhook, BODY, "a1");
    assertEquals(DeliveryResult.Outcome.REJECTED, result.outcome());
    assertEquals(1, receiver.requests().size());
  }

  @Test
  void timeoutsAndThrottlingAreRetried() throws Exception {
    WebhookSender sender =
        WebhookSender.create(
            SECRET,
            RetryPolicy.of(
                Duration.ofMillis(300),
                Duration.ofSeconds(30),
                Duration.ofMillis(10),
                Duration.ofMillis(50)));
    receiver.respond(Reply.hang(), Reply.status(429), Reply.status(408), Reply.status(503));
    DeliveryResult result = sender.deliver(webhook, BODY, "a1");
    assertTrue(result.delivered());
    assertEquals(5, result.attempts());
  }

  @Test
  void retryAfterIsHonoured() throws Exception {
    receiver.respond(Reply.withHeader(429, "Retry-After", "1"));
    DeliveryResult result = sender.deliver(webhook, BODY, "a1");
    assertTrue(result.delivered());
    WebhookReceiver.Request first = receiver.requests().get(0);
    WebhookReceiver.Request second = receiver.requests().get(1);
    long firstTs = Long.parseLong(first.header(WebhookSigner.TIMESTAMP_HEADER));
    long secondTs = Long.parseLong(second.header(WebhookSigner.TIMESTAMP_HEADER));
    assertTrue(secondTs >= firstTs + 1, firstTs + " then " + secondTs);
  }

  @Test
  void persistentFailureThrowsRetryableAfterTheBudget() {
    WebhookSender sender = WebhookSender.create(SECRET, GIVE_UP);
    receiver.otherwise(Reply.status(502));
    WebhookDeliveryException e =
        assertThrows(WebhookDeliveryException.class, () -> sender.deliver(webhook, BODY, "a1"));
    assertTrue(e.attempts() >= 2, "attempts " + e.attempts());
    assertEquals(e.attempts(), receiver.requests().size());
    assertEquals("HTTP 502", e.lastError());
    // The exception names the webhook without its secret path.
    assertFalse(e.getMessage().contains("secret-path"), e.getMessage());
  }

  @Test
  void connectionRefusedIsRetryable() throws Exception {
    int port = receiver.port();
    receiver.close();
    Webhook gone = Webhook.parse("http://127.0.0.1:" + port + "/x", Webhook.Format.JSON);
    WebhookSender sender = WebhookSender.create(SECRET, GIVE_UP);
    WebhookDeliveryException e =
        assertThrows(WebhookDeliveryException.class, () -> sender.deliver(gone, BODY, "a1"));
    assertTrue(e.attempts() >= 1);
  }

  @Test
  void backoffGrowsAndIsCapped() {
    RetryPolicy policy =
        RetryPolicy.of(
            Duration.ofSeconds(1),
            Duration.ofSeconds(10),
            Duration.ofMillis(100),
            Duration.ofMillis(1000));
    assertEquals(Duration.ofMillis(50), policy.delayAfter(1, 0));
    assertEquals(Duration.ofMillis(75), policy.delayAfter(1, 0.5));
    assertEquals(Duration.ofMillis(200), policy.delayAfter(3, 0));
    assertEquals(Duration.ofMillis(500), policy.delayAfter(10, 0));
    assertEquals(Duration.ofMillis(500), policy.delayAfter(64, 0));
  }

  @Test
  void retryableStatuses() {
    assertTrue(WebhookSender.retryable(500));
    assertTrue(WebhookSender.retryable(503));
    assertTrue(WebhookSender.retryable(408));
    assertTrue(WebhookSender.retryable(429));
    assertFalse(WebhookSender.retryable(400));
    assertFalse(WebhookSender.retryable(404));
    assertFalse(WebhookSender.retryable(410));
  }
}
