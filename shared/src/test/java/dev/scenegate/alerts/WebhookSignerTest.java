package dev.scenegate.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.alerts.WebhookSigner.Check;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {
  private static final byte[] BODY = "{\"alert_id\":\"a1\"}".getBytes(StandardCharsets.UTF_8);
  private static final long TS = 1_700_000_000L;
  private static final Instant NOW = Instant.ofEpochSecond(TS + 10);
  private final WebhookSigner signer = new WebhookSigner(WebhookSecret.of("whsec-test"));

  @Test
  void matchesTheDocumentedRecipe() {
    // printf '%s' '1700000000.{"alert_id":"a1"}' | openssl dgst -sha256 -hmac 'whsec-test'
    assertEquals(
        "sha256=9a5ed188f720d9da83dec6555bf3297843dfa0c7cfa72203962615de2944d3c4",
        signer.signature(TS, BODY));
  }

  @Test
  void verifiesWithTheSharedSecret() {
    String signature = signer.signature(TS, BODY);
    WebhookSigner receiver = new WebhookSigner(WebhookSecret.of("whsec-test"));
    assertEquals(
        Check.VALID,
        receiver.verify(BODY, Long.toString(TS), signature, NOW, WebhookSigner.DEFAULT_TOLERANCE));
  }

  @Test
  void failsWhenTheBodyIsAltered() {
    String signature = signer.signature(TS, BODY);
    byte[] altered = "{\"alert_id\":\"a2\"}".getBytes(StandardCharsets.UTF_8);
    assertEquals(
        Check.MISMATCH,
        signer.verify(altered, Long.toString(TS), signature, NOW, WebhookSigner.DEFAULT_TOLERANCE));
  }

  @Test
  void failsWhenTheTimestampIsAltered() {
    String signature = signer.signature(TS, BODY);
    assertEquals(
        Check.MISMATCH,
        signer.verify(
            BODY, Long.toString(TS + 1), signature, NOW, WebhookSigner.DEFAULT_TOLERANCE));
  }

  @Test
  void failsWithAnotherSecret() {
    String signature = new WebhookSigner(WebhookSecret.of("other")).signature(TS, BODY);
    assertEquals(
        Check.MISMATCH,
        signer.verify(BODY, Long.toString(TS), signature, NOW, WebhookSigner.DEFAULT_TOLERANCE));
  }

  @Test
  void refusesReplaysOutsideTheTolerance() {
    String signature = signer.signature(TS, BODY);
    Instant later = Instant.ofEpochSecond(TS).plus(Duration.ofMinutes(6));
    assertEquals(
        Check.STALE,
        signer.verify(BODY, Long.toString(TS), signature, later, WebhookSigner.DEFAULT_TOLERANCE));
  }

  @Test
  void malformedHeadersAreNotValid() {
    String signature = signer.signature(TS, BODY);
    Duration tolerance = WebhookSigner.DEFAULT_TOLERANCE;
    assertEquals(Check.MALFORMED, signer.verify(BODY, null, signature, NOW, tolerance));
    assertEquals(Check.MALFORMED, signer.verify(BODY, "12a", signature, NOW, tolerance));
    assertEquals(Check.MALFORMED, signer.verify(BODY, Long.toString(TS), null, NOW, tolerance));
    assertEquals(
        Check.MALFORMED,
        signer.verify(BODY, Long.toString(TS), signature.substring(7), NOW, tolerance));
    assertEquals(
        Check.MALFORMED, signer.verify(BODY, Long.toString(TS), "sha256=zz", NOW, tolerance));
    assertEquals(
        Check.MISMATCH, signer.verify(BODY, Long.toString(TS), "sha256=00", NOW, tolerance));
  }

  @Test
  void trailingLineBreaksOfTheSecretAreIgnored() {
    assertEquals(WebhookSecret.of("whsec-test"), WebhookSecret.of("whsec-test\n"));
    assertEquals(WebhookSecret.of("whsec-test"), WebhookSecret.of("whsec-test\r\n"));
    assertFalse(WebhookSecret.of("whsec-test").equals(WebhookSecret.of("whsec-test ")));
    assertEquals(
        signer.signature(TS, BODY),
        new WebhookSigner(WebhookSecret.of("whsec-test\n")).signature(TS, BODY));
  }

  @Test
  void secretNeverPrints() {
    WebhookSecret secret = WebhookSecret.of("s3cr3t-value");
    assertFalse(secret.toString().contains("s3cr3t"));
    assertTrue(secret.equals(WebhookSecret.of("s3cr3t-value")));
  }
}
