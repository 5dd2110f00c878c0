package dev.scenegate.events;

import dev.scenegate.retry.Backoff;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * The messaging port. {@link #publish} returns only once the message is confirmed (for Pub/Sub: the
 * server acknowledged it); any failure is an {@link IOException} the caller may retry. Adapters:
 * {@code PubSubEventPublisher} and {@code LocalEventPublisher} (JSON lines).
 */
public interface EventPublisher extends AutoCloseable {

  /** A batch job's alerts (the sweep's freshness check, the audit): three tries, then its fault. */
  Backoff BATCH_RETRIES =
      Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(2)).withMaxAttempts(3);

  /** Publishes and waits for confirmation; returns the server's message id (or a local one). */
  String publish(OutboundMessage message) throws IOException;

  /**
   * {@link #publish}, tried again after a fault as {@code backoff} allows; the last fault is
   * thrown.
   */
  default String publish(OutboundMessage message, Backoff backoff) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return publish(message);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        if (!backoff.allows(attempt + 1)) {
          throw e;
        }
        backoff.pauseAfter(attempt);
      }
    }
  }

  @Override
  default void close() throws Exception {}
}
