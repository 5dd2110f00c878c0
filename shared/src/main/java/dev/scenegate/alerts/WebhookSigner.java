package dev.scenegate.alerts;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook bodies so receivers can check who sent them and refuse replays.
 *
 * <p>What is signed: the ASCII decimal Unix time in seconds (the {@value #TIMESTAMP_HEADER}
 * header), one {@code '.'}, then the exact body bytes. Signature: {@code HMAC-SHA256(secret,
 * "<timestamp>.<body>")} as lowercase hex in {@value #SIGNATURE_HEADER}{@code : sha256=<hex>}.
 * Receivers recompute it over the raw body they received (before any JSON parsing), compare in
 * constant time, and refuse timestamps outside their tolerance (5 minutes is usual).
 */
public final class WebhookSigner {
  public static final String SIGNATURE_HEADER = "X-Scenegate-Signature";
  public static final String TIMESTAMP_HEADER = "X-Scenegate-Timestamp";
  public static final String ALERT_ID_HEADER = "X-Scenegate-Alert-Id";
  public static final String SCHEME = "sha256=";
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private static final String ALGORITHM = "HmacSHA256";
  private static final HexFormat HEX = HexFormat.of();

  private final SecretKeySpec key;

  public WebhookSigner(WebhookSecret secret) {
    this.key = new SecretKeySpec(secret.key(), ALGORITHM);
  }

  /** The {@value #SIGNATURE_HEADER} value for {@code body} sent at {@code timestamp}. */
  public String signature(long timestampSeconds, byte[] body) {
    return SCHEME + HEX.formatHex(mac(timestampSeconds, body));
  }

  /** The outcome of checking a received request. */
  public enum Check {
    VALID,
    /** Header absent or not in the expected form. */
    MALFORMED,
    /** Timestamp outside the tolerance: a replay, or a badly wrong clock. */
    STALE,
    /** Well-formed, but not made with this secret over this timestamp and body. */
    MISMATCH
  }

  /**
   * Checks a received request: signature over {@code timestampHeader + "." + body}, compared in
   * constant time, and the timestamp within {@code tolerance} of {@code now}.
   */
  public Check verify(
      byte[] body,
      String timestampHeader,
      String signatureHeader,
      Instant now,
      Duration tolerance) {
    if (timestampHeader == null
        || signatureHeader == null
        || !timestampHeader.matches("[0-9]{1,18}")
        || !signatureHeader.startsWith(SCHEME)) {
      return Check.MALFORMED;
    }
    byte[] given;
    try {
      given = HEX.parseHex(signatureHeader.substring(SCHEME.length()));
    } catch (IllegalArgumentException e) {
      return Check.MALFORMED;
    }
    long timestamp = Long.parseLong(timestampHeader);
    // Compare the MAC before the clock, so timing says nothing about which check failed first.
    boolean matches = MessageDigest.isEqual(mac(timestamp, body), given);
    if (!matches) {
      return Check.MISMATCH;
    }
    long age = Math.abs(now.getEpochSecond() - timestamp);
    return age > tolerance.toSeconds() ? Check.STALE : Check.VALID;
  }

  private byte[] mac(long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(Long.toString(timestampSeconds).getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      mac.update(body);
      return mac.doFinal();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // HmacSHA256 is mandatory on every Java platform and any non-empty key is valid.
      throw new IllegalStateException(e);
    }
  }
}
