package dev.scenegate.alerts;

/**
 * How one delivery to one webhook ended, when it ended without a retryable failure: {@code
 * DELIVERED} (2xx) or {@code REJECTED} (a 4xx other than 408/429, or a redirect: the request itself
 * is wrong and sending it again cannot help).
 */
record DeliveryResult(Outcome outcome, int status, int attempts, String responseSnippet) {
  public enum Outcome {
    DELIVERED,
    REJECTED
  }

  public static DeliveryResult delivered(int status, int attempts) {
    return new DeliveryResult(Outcome.DELIVERED, status, attempts, "");
  }

  public static DeliveryResult rejected(int status, int attempts, String responseSnippet) {
    return new DeliveryResult(Outcome.REJECTED, status, attempts, responseSnippet);
  }

  public boolean delivered() {
    return outcome == Outcome.DELIVERED;
  }
}
