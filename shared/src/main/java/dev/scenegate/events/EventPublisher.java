package dev.scenegate.events;

import java.io.IOException;

/**
 * The messaging port. {@link #publish} returns only once the message is confirmed (for Pub/Sub: the
 * server acknowledged it); any failure is an {@link IOException} the caller may retry. Adapters:
 * {@code PubSubEventPublisher} and {@code LocalEventPublisher} (JSON lines).
 */
public interface EventPublisher extends AutoCloseable {

  /** Publishes and waits for confirmation; returns the server's message id (or a local one). */
  String publish(OutboundMessage message) throws IOException;

  @Override
  default void close() throws Exception {}
}
