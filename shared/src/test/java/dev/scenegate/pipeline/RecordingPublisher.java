package dev.scenegate.pipeline;

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
 * to fail the next N publishes (a crash or outage between the state write and the publish).
 */
public final class RecordingPublisher implements EventPublisher {
  private final List<OutboundMessage> confirmed = new ArrayList<>();
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger failAfter = new AtomicInteger(-1);

  @Override
  public synchronized String publish(OutboundMessage message) throws IOException {
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

  public synchronized List<OutboundMessage> confirmed() {
    return List.copyOf(confirmed);
  }

  public synchronized void clear() {
    confirmed.clear();
  }

  public List<JsonNode> payloads(Topic topic) {
    List<JsonNode> result = new ArrayList<>();
    for (OutboundMessage m : confirmed()) {
      if (m.topic() == topic) {
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
