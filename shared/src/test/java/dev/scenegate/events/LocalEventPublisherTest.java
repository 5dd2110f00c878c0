package dev.scenegate.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalEventPublisherTest {
  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T18:00:00Z"), ZoneOffset.UTC);

  private static OutboundMessage stage(String status) {
    return OutboundMessage.of(
        Topic.STAGE_EVENTS,
        ("{\"scene_id\":\"k1\",\"status\":\"" + status + "\"}").getBytes(StandardCharsets.UTF_8),
        Map.of("scene_id", "k1", "status", status),
        "k1");
  }

  @Test
  void eachMessageIsOneFlushedJsonLine() throws Exception {
    Path file = dir.resolve("out/events.jsonl");
    try (LocalEventPublisher publisher = new LocalEventPublisher(file, null, clock)) {
      String id = publisher.publish(stage("passed"));
      // Read while the publisher is still open: the line is already on disk.
      List<JsonNode> lines = LocalEventPublisher.read(file);
      assertEquals(1, lines.size());
      JsonNode line = lines.get(0);
      assertEquals(id, line.path("message_id").asText());
      assertEquals("stage-events", line.path("topic").asText());
      assertEquals("2026-11-22T18:00:00Z", line.path("published_at").asText());
      assertEquals("k1", line.path("ordering_key").asText());
      assertEquals("passed", line.path("data").path("status").asText());
      assertEquals(
          Map.of("scene_id", "k1", "status", "passed"), LocalEventPublisher.attributes(line));
    }
  }

  @Test
  void nonJsonDataIsKeptAsBase64AndNullKeyAsNull() throws Exception {
    Path file = dir.resolve("events.jsonl");
    try (LocalEventPublisher publisher = new LocalEventPublisher(file)) {
      publisher.publish(
          OutboundMessage.of(Topic.CHECKSUM_ALERTS, new byte[] {(byte) 0xff, 1}, Map.of(), null));
    }
    JsonNode line = LocalEventPublisher.read(file).get(0);
    assertEquals("checksum-alerts", line.path("topic").asText());
    assertEquals("/wE=", line.path("data_base64").asText());
    assertTrue(line.path("ordering_key").isNull());
  }

  @Test
  void appendsToAnExistingFile() throws Exception {
    Path file = dir.resolve("events.jsonl");
    Files.writeString(file, "{\"message_id\":\"earlier\"}\n");
    try (LocalEventPublisher publisher = new LocalEventPublisher(file)) {
      publisher.publish(stage("running"));
    }
    List<JsonNode> lines = LocalEventPublisher.read(file);
    assertEquals(2, lines.size());
    assertEquals("earlier", lines.get(0).path("message_id").asText());
  }

  @Test
  void consoleGetsAReadableLine() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (LocalEventPublisher publisher =
        new LocalEventPublisher(null, new PrintStream(out, true, StandardCharsets.UTF_8), clock)) {
      publisher.publish(stage("failed"));
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(
        "[stage-events] scene_id=k1 status=failed  {\"scene_id\":\"k1\",\"status\":\"failed\"}\n",
        text);
  }

  @Test
  void concurrentPublishersNeverInterleaveLines() throws Exception {
    Path file = dir.resolve("events.jsonl");
    int threads = 8;
    int each = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (LocalEventPublisher publisher = new LocalEventPublisher(file)) {
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    publisher.publish(stage("s" + i));
                  }
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<JsonNode> lines = LocalEventPublisher.read(file);
    assertEquals(threads * each, lines.size());
    Set<String> ids = new HashSet<>();
    lines.forEach(l -> ids.add(l.path("message_id").asText()));
    assertEquals(threads * each, ids.size(), "message ids are unique");
  }
}
