package dev.scenegate.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.OutboundMessage;
import java.io.IOException;
import java.io.PrintStream;

/** Prints every message as readable {@link EventLines}; the console half of local mode. */
public final class ReadableEventPrinter implements EventPublisher {
  private final PrintStream out;

  public ReadableEventPrinter(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized String publish(OutboundMessage message) {
    JsonNode payload;
    try {
      payload = EventJson.MAPPER.readTree(message.data());
    } catch (IOException e) {
      payload = null;
    }
    EventLines.render(message.topic(), payload).forEach(out::println);
    out.flush();
    return "console";
  }
}
