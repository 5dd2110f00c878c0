package dev.scenegate.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local messaging adapter: every message becomes one JSON line appended to a file (flushed per
 * line, so a reader tailing the file sees whole lines) and/or a readable line on a console stream.
 * Thread-safe. A line: {@code {"message_id", "topic", "published_at", "ordering_key", "attributes",
 * "data"}}, where {@code data} is the payload itself when it is JSON and {@code data_base64}
 * otherwise.
 */
public final class LocalEventPublisher implements EventPublisher {
  private static final ObjectMapper JSON = EventJson.MAPPER;

  private final Path file;
  private final PrintStream console;
  private final Clock clock;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final AtomicLong sequence = new AtomicLong();
  private BufferedWriter writer;

  /**
   * @param file JSON lines are appended here (created with its folders), or null for none
   * @param console readable lines go here, or null for none
   */
  public LocalEventPublisher(Path file, PrintStream console, Clock clock) {
    if (file == null && console == null) {
      throw new IllegalArgumentException("a local publisher needs a file or a console");
    }
    this.file = file;
    this.console = console;
    this.clock = clock;
  }

  public LocalEventPublisher(Path file) {
    this(file, null, Clock.systemUTC());
  }

  public Path file() {
    return file;
  }

  @Override
  public synchronized String publish(OutboundMessage message) throws IOException {
    String id = "local-" + run + "-" + sequence.incrementAndGet();
    ObjectNode line = JSON.createObjectNode();
    line.put("message_id", id);
    line.put("topic", message.topic().defaultName());
    line.put("published_at", clock.instant().toString());
    line.put("ordering_key", message.orderingKey());
    ObjectNode attributes = line.putObject("attributes");
    new TreeMap<>(message.attributes()).forEach(attributes::put);
    JsonNode payload = parseJson(message.data());
    if (payload != null) {
      line.set("data", payload);
    } else {
      line.put("data_base64", Base64.getEncoder().encodeToString(message.data()));
    }
    if (file != null) {
      if (writer == null) {
        if (file.getParent() != null) {
          Files.createDirectories(file.getParent());
        }
        writer =
            Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
      writer.write(JSON.writeValueAsString(line));
      writer.write('\n');
      writer.flush();
    }
    if (console != null) {
      console.println(readable(message, payload));
      console.flush();
    }
    return id;
  }

  private static String readable(OutboundMessage message, JsonNode payload) {
    StringBuilder text = new StringBuilder();
    text.append('[').append(message.topic().defaultName()).append(']');
    new TreeMap<>(message.attributes())
        .forEach((k, v) -> text.append(' ').append(k).append('=').append(v));
    text.append("  ");
    text.append(
        payload != null ? payload.toString() : "(" + message.data().length + " bytes, not JSON)");
    return text.toString();
  }

  private static JsonNode parseJson(byte[] data) {
    try {
      JsonNode node = JSON.readTree(data);
      return node == null || node.isMissingNode() ? null : node;
    } catch (IOException e) {
      return null;
    }
  }

  /** Reads back the JSON lines a local publisher wrote (for the local runner and tests). */
  public static List<JsonNode> read(Path file) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    if (!Files.exists(file)) {
      return lines;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  /** Attributes of a line read back with {@link #read(Path)}. */
  public static Map<String, String> attributes(JsonNode line) {
    Map<String, String> attributes = new TreeMap<>();
    line.path("attributes")
        .fields()
        .forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
    return attributes;
  }

  @Override
  public synchronized void close() throws IOException {
    if (writer != null) {
      writer.close();
      writer = null;
    }
  }
}
