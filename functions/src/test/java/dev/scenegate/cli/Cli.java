package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs the CLI in-process over byte streams, as a terminal-less caller (CI, a script) would. */
public record Cli(int exit, String out, String err) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Cli run(String... argv) {
    return run(Map.of(), argv);
  }

  /** The same with the environment the commands read (emulator hosts, thresholds). */
  public static Cli run(Map<String, String> env, String... argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            false);
    int exit = Main.standard().run(List.of(argv), console);
    return new Cli(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** stdout as exactly one JSON object on one line. */
  JsonNode json() throws Exception {
    assertEquals(1, out.lines().count(), "one line on stdout: " + out);
    JsonNode node = JSON.readTree(out);
    assertTrue(node.isObject(), out);
    return node;
  }

  /** Exactly one line on stderr, starting with {@code prefix}, and no stack trace. */
  String oneErrorLine(String prefix) {
    assertEquals(1, err.lines().count(), "one line on stderr: " + err);
    assertTrue(err.endsWith("\n"), err);
    assertTrue(err.startsWith(prefix), err);
    assertNoStackTrace();
    return err.strip();
  }

  void assertNoStackTrace() {
    assertFalse(err.contains("\tat "), err);
    assertFalse(err.contains("Exception"), err);
    assertFalse(out.contains("\tat "), out);
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
