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

  /**
   * The secret's UTF-8 bytes without trailing line breaks: {@code openssl rand -hex 32 | gcloud
   * secrets versions add ... --data-file=-} stores a newline that nobody means as part of the key.
   * Everything else (other whitespace included) is used exactly as given.
   */
  public static WebhookSecret of(String secret) {
    int end = secret.length();
    while (end > 0 && (secret.charAt(end - 1) == '\n' || secret.charAt(end - 1) == '\r')) {
      end--;
    }
    return new WebhookSecret(secret.substring(0, end).getBytes(StandardCharsets.UTF_8));
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
