package dev.scenegate.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.OutboundMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Keeps what was published; can be told to fail, as an unreachable Pub/Sub would. */
final class CapturingPublisher implements EventPublisher {
  final List<OutboundMessage> messages = Collections.synchronizedList(new ArrayList<>());
  volatile boolean failing;

  @Override
  public String publish(OutboundMessage message) throws IOException {
    if (failing) {
      throw new IOException("publisher unavailable");
    }
    messages.add(message);
    return "m" + messages.size();
  }

  List<JsonNode> payloads() throws IOException {
    List<JsonNode> result = new ArrayList<>();
    synchronized (messages) {
      for (OutboundMessage m : messages) {
        result.add(EventJson.MAPPER.readTree(m.data()));
      }
    }
    return result;
  }
}
