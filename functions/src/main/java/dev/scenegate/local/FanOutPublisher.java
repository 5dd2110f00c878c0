package dev.scenegate.local;

import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.OutboundMessage;
import java.io.IOException;
import java.util.List;

/**
 * Publishes every message to each publisher in turn; confirmed only when all confirmed. A failure
 * part-way is retried by the handler's outbox, so the earlier publishers may see the message twice
 * (under the same event id), as at-least-once delivery allows. Put the console last.
 */
public final class FanOutPublisher implements EventPublisher {
  private final List<EventPublisher> publishers;

  public FanOutPublisher(List<EventPublisher> publishers) {
    this.publishers = List.copyOf(publishers);
  }

  @Override
  public String publish(OutboundMessage message) throws IOException {
    String first = null;
    for (EventPublisher publisher : publishers) {
      String id = publisher.publish(message);
      if (first == null) {
        first = id;
      }
    }
    return first;
  }

  @Override
  public void close() throws Exception {
    Exception failure = null;
    for (EventPublisher publisher : publishers) {
      try {
        publisher.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
