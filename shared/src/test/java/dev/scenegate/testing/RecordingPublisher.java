package dev.scenegate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.events.Topic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link EventPublisher} for unit tests: records what was confirmed, and can be told
 * to fail the next N publishes (a crash or outage between the state write and the publish), one
 * publish after N successes, or every publish until told otherwise (an unreachable Pub/Sub).
 */
public final class RecordingPublisher implements EventPublisher {
  private final List<OutboundMessage> confirmed = new ArrayList<>();
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger failAfter = new AtomicInteger(-1);
  private volatile boolean failing;

  @Override
  public synchronized String publish(OutboundMessage message) throws IOException {
    if (failing) {
      throw new IOException("publisher unavailable");
    }
    if (failAfter.get() == 0 || failNext.get() > 0) {
      failNext.updateAndGet(n -> Math.max(0, n - 1));
      failAfter.set(-1);
      throw new IOException("injected publish failure");
    }
    if (failAfter.get() > 0) {
      failAfter.decrementAndGet();
    }
    confirmed.add(message);
    return "local-" + confirmed.size();
  }

  /** The next {@code n} publishes fail. */
  public void failNext(int n) {
    failNext.set(n);
  }

  /** {@code n} publishes succeed, then one fails. */
  public void failAfter(int n) {
    failAfter.set(n);
  }

  /** While {@code true}, every publish fails. */
  public void failing(boolean failing) {
    this.failing = failing;
  }

  public synchronized List<OutboundMessage> confirmed() {
    return List.copyOf(confirmed);
  }

  public synchronized void clear() {
    confirmed.clear();
  }

  /** The JSON data of every confirmed message, in publish order. */
  public List<JsonNode> payloads() {
    return payloads(null);
  }

  /** The JSON data of the confirmed messages on {@code topic} (every topic when null). */
  public List<JsonNode> payloads(Topic topic) {
    List<JsonNode> result = new ArrayList<>();
    for (OutboundMessage m : confirmed()) {
      if (topic == null || m.topic() == topic) {
        try {
          result.add(EventJson.MAPPER.readTree(m.data()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return result;
  }

  public List<JsonNode> stageEvents() {
    return payloads(Topic.STAGE_EVENTS);
  }

  public List<JsonNode> alerts() {
    return payloads(Topic.CHECKSUM_ALERTS);
  }

  /** Stage events of one stage, in publish order. */
  public List<JsonNode> stageEvents(String stage) {
    return stageEvents().stream().filter(e -> e.path("stage").asText().equals(stage)).toList();
  }
}
