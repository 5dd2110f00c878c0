package dev.scenegate.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.Topic;
import dev.scenegate.local.EventLines;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code dev-stack --watch}: pulls the stage events and alerts the function published to the
 * emulator (one subscription per topic) and prints them as readable {@link EventLines}.
 */
final class EventWatch implements AutoCloseable {
  private final PubSubRest pubSub;
  private final Map<Topic, String> subscriptions;
  private final PrintStream out;
  private final Thread thread;
  private volatile boolean running = true;

  EventWatch(PubSubRest pubSub, Map<Topic, String> subscriptions, PrintStream out) {
    this.pubSub = pubSub;
    this.subscriptions = Map.copyOf(subscriptions);
    this.out = out;
    this.thread = new Thread(this::loop, "event-watch");
    this.thread.setDaemon(true);
  }

  EventWatch start() {
    thread.start();
    return this;
  }

  private void loop() {
    while (running) {
      boolean any = false;
      for (Map.Entry<Topic, String> e : subscriptions.entrySet()) {
        try {
          List<PubSubRest.Received> batch = pubSub.pull(e.getValue(), 50);
          List<String> ackIds = new ArrayList<>();
          for (PubSubRest.Received message : batch) {
            print(e.getKey(), message.data());
            ackIds.add(message.ackId());
          }
          pubSub.acknowledge(e.getValue(), ackIds);
          any |= !batch.isEmpty();
        } catch (IOException ex) {
          if (!running) {
            return;
          }
        }
      }
      if (!any) {
        try {
          Thread.sleep(200); // poll interval between empty pulls
        } catch (InterruptedException ex) {
          return;
        }
      }
    }
  }

  private void print(Topic topic, byte[] data) {
    JsonNode payload;
    try {
      payload = EventJson.MAPPER.readTree(data);
    } catch (IOException e) {
      payload = null;
    }
    synchronized (out) {
      EventLines.render(topic, payload).forEach(out::println);
      out.flush();
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
