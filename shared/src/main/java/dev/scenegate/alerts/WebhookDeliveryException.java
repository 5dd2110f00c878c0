package dev.scenegate.alerts;

import java.io.IOException;

/**
 * Retryable: a webhook kept failing transiently (5xx, 408, 429, timeout, connection error) until
 * the time budget ran out, or another instance holds the delivery. The message is thrown so Pub/Sub
 * redelivers it later. Names the webhook by its safe display form, never its URL.
 */
final class WebhookDeliveryException extends IOException {
  private final String webhook;
  private final int attempts;
  private final String lastError;

  public WebhookDeliveryException(String webhook, int attempts, String lastError) {
    super(
        "webhook "
            + webhook
            + " not delivered after "
            + attempts
            + " attempt"
            + (attempts == 1 ? "" : "s")
            + ": "
            + lastError);
    this.webhook = webhook;
    this.attempts = attempts;
    this.lastError = lastError;
  }

  public String webhook() {
    return webhook;
  }

  public int attempts() {
    return attempts;
  }

  public String lastError() {
    return lastError;
  }
}
