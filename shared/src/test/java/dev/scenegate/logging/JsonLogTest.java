package dev.scenegate.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JsonLogTest {
  private static final JsonLog LOG = JsonLog.get(JsonLogTest.class);
  private final ByteArrayOutputStream lines = new ByteArrayOutputStream();

  @AfterEach
  void restore() {
    JsonLog.redirect(System.err);
    JsonLog.stackTraces(true);
  }

  private JsonNode logError() throws IOException {
    JsonLog.redirect(new PrintStream(lines, true, StandardCharsets.UTF_8));
    LOG.error(
        "could not process",
        new IOException("disk on fire", new IllegalStateException("inner")),
        "object",
        "scenes/k1/assets/a.glb");
    String text = lines.toString(StandardCharsets.UTF_8);
    assertEquals(1, text.lines().count(), text);
    return new ObjectMapper().readTree(text);
  }

  @Test
  void errorLinesCarryTheStackTraceByDefault() throws Exception {
    JsonNode line = logError();
    assertEquals("ERROR", line.get("severity").asText());
    assertEquals("IOException: disk on fire", line.get("error").asText());
    assertTrue(line.get("stack_trace").asText().contains("Caused by"), line.toString());
  }

  @Test
  void withoutStackTracesAnErrorLineHasTheReasonOnly() throws Exception {
    JsonLog.stackTraces(false);
    JsonNode line = logError();
    assertEquals("disk on fire", line.get("error").asText());
    assertEquals("scenes/k1/assets/a.glb", line.get("object").asText());
    assertFalse(line.has("stack_trace"), line.toString());
    assertFalse(line.toString().contains("Exception"), line.toString());
  }
}
