package dev.scenegate.alerts;

import dev.scenegate.logging.JsonLog;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Posts signed webhook bodies. One instance (and so one {@link HttpClient}) per process.
 *
 * <p>Policy: 2xx is delivered. 5xx, 408, 429, timeouts and connection errors are retried with
 * exponential backoff and jitter (honouring {@code Retry-After}) while the {@link RetryPolicy}'s
 * budget lasts, then {@link WebhookDeliveryException} is thrown so the caller's caller (Pub/Sub)
 * redelivers later. Every other status (4xx, 3xx) is {@link DeliveryResult.Outcome#REJECTED} at
 * once: the same request would be refused again, so it is logged and given up rather than retried
 * forever. Each attempt is signed afresh, so a retry minutes later is not refused as a replay.
 */
final class WebhookSender {
  static final String USER_AGENT = "scenegate-alerts/1.0";
  private static final int SNIPPET_BYTES = 300;
  private static final JsonLog LOG = JsonLog.get(WebhookSender.class);

  private final HttpClient client;
  private final WebhookSigner signer;
  private final RetryPolicy policy;
  private final Clock clock;

  public WebhookSender(HttpClient client, WebhookSigner signer, RetryPolicy policy, Clock clock) {
    this.client = client;
    this.signer = signer;
    this.policy = policy;
    this.clock = clock;
  }

  /** A sender with its own HTTP client; build one per process. */
  public static WebhookSender create(WebhookSecret secret, RetryPolicy policy) {
    return new WebhookSender(
        newHttpClient(policy), new WebhookSigner(secret), policy, Clock.systemUTC());
  }

  public static HttpClient newHttpClient(RetryPolicy policy) {
    return HttpClient.newBuilder()
        // Webhook receivers (Slack, most HTTP servers) speak HTTP/1.1; skip the h2c upgrade dance.
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(policy.requestTimeout())
        // A redirect is a misconfigured URL; following it would post the signed alert elsewhere.
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  public RetryPolicy policy() {
    return policy;
  }

  /**
   * Delivers {@code body} to {@code webhook}, retrying transient failures within the policy's
   * budget counted from now. The budget decides whether another attempt starts; an attempt that
   * starts always gets the full request timeout (a request cut short by the budget could reach the
   * receiver after we gave up on it), so the worst case is budget + request timeout.
   */
  public DeliveryResult deliver(Webhook webhook, byte[] body, String alertId)
      throws WebhookDeliveryException {
    long deadline = System.nanoTime() + policy.budget().toNanos();
    int attempt = 0;
    String lastError = "no attempt made";
    while (true) {
      attempt++;
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new WebhookDeliveryException(webhook.display(), attempt - 1, lastError);
      }
      Duration timeout = policy.requestTimeout();
      Optional<Duration> retryAfter = Optional.empty();
      try {
        HttpResponse<String> response = send(webhook, body, alertId, timeout);
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return DeliveryResult.delivered(status, attempt);
        }
        if (!retryable(status)) {
          return DeliveryResult.rejected(status, attempt, response.body());
        }
        lastError = "HTTP " + status;
        if (status == 429 || status == 503) {
          retryAfter = retryAfter(response);
        }
      } catch (HttpTimeoutException | TimeoutException e) {
        lastError = "no response within " + timeout.toMillis() + " ms";
      } catch (IOException e) {
        lastError = describe(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WebhookDeliveryException(webhook.display(), attempt, "interrupted");
      }
      Duration delay = policy.delayAfter(attempt, ThreadLocalRandom.current().nextDouble());
      if (retryAfter.isPresent() && retryAfter.get().compareTo(delay) > 0) {
        delay = retryAfter.get();
      }
      if (System.nanoTime() + delay.toNanos() >= deadline) {
        throw new WebhookDeliveryException(webhook.display(), attempt, lastError);
      }
      LOG.info(
          "webhook attempt failed, will retry",
          "webhook",
          webhook.display(),
          "alert_id",
          alertId,
          "attempt",
          attempt,
          "error",
          lastError,
          "retry_in_ms",
          delay.toMillis());
      try {
        // Backoff between attempts (production pacing, not test synchronisation).
        TimeUnit.NANOSECONDS.sleep(delay.toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WebhookDeliveryException(webhook.display(), attempt, "interrupted");
      }
    }
  }

  /** 5xx and the two 4xx that mean "later": request timeout and too many requests. */
  static boolean retryable(int status) {
    return status >= 500 || status == 408 || status == 429;
  }

  private HttpResponse<String> send(Webhook webhook, byte[] body, String alertId, Duration timeout)
      throws IOException, InterruptedException, TimeoutException {
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(webhook.url())
            .timeout(timeout)
            .header("Content-Type", "application/json; charset=utf-8")
            .header("User-Agent", USER_AGENT)
            .header(WebhookSigner.TIMESTAMP_HEADER, Long.toString(timestamp))
            .header(WebhookSigner.SIGNATURE_HEADER, signer.signature(timestamp, body))
            .header(WebhookSigner.ALERT_ID_HEADER, headerSafe(alertId))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    CompletableFuture<HttpResponse<String>> future =
        client.sendAsync(
            request,
            info ->
                HttpResponse.BodySubscribers.fromSubscriber(
                    new Snippet(SNIPPET_BYTES), Snippet::text));
    try {
      // The request timeout covers the response headers only; this also bounds a stalled body.
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(cause == null ? "request failed" : describe(cause), cause);
    }
  }

  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .filter(v -> v.trim().matches("[0-9]{1,6}"))
        .map(v -> Duration.ofSeconds(Long.parseLong(v.trim())));
  }

  /** Header values cannot carry control characters; the alert id is validated, but be safe. */
  private static String headerSafe(String value) {
    return value.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /** Exception text without URLs: HTTP client messages can include the request URI. */
  static String describe(Throwable e) {
    String message = e.getMessage();
    String type = e.getClass().getSimpleName();
    if (message == null || message.isBlank()) {
      return type;
    }
    return type + ": " + message.replaceAll("[a-zA-Z][a-zA-Z0-9+.-]*://\\S*", "<url>");
  }

  /** Keeps the first bytes of a response body (for the log of a rejection) and drops the rest. */
  private static final class Snippet implements Flow.Subscriber<List<ByteBuffer>> {
    private final byte[] kept;
    private int size;

    Snippet(int limit) {
      this.kept = new byte[limit];
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        int n = Math.min(buffer.remaining(), kept.length - size);
        buffer.get(kept, size, n);
        size += n;
      }
    }

    @Override
    public void onError(Throwable error) {}

    @Override
    public void onComplete() {}

    String text() {
      return new String(kept, 0, size, StandardCharsets.UTF_8)
          .replaceAll("\\p{Cntrl}", " ")
          .strip();
    }
  }
}
