package dev.scenegate.alerts;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The shared HMAC secret. Holds the bytes only; {@link #toString()} never shows them, so a config
 * record printed into a log or an exception leaks nothing.
 */
public final class WebhookSecret {
  private final byte[] key;

  private WebhookSecret(byte[] key) {
    if (key.length == 0) {
      throw new IllegalArgumentException("webhook secret is empty");
    }
    this.key = key;
  }

  /** The secret's UTF-8 bytes, exactly as given (no trimming: receivers use the same value). */
  public static WebhookSecret of(String secret) {
    return new WebhookSecret(secret.getBytes(StandardCharsets.UTF_8));
  }

  byte[] key() {
    return key.clone();
  }

  @Override
  public String toString() {
    return "WebhookSecret[redacted]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WebhookSecret s && Arrays.equals(key, s.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }
}
