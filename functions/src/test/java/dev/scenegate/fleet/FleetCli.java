package dev.scenegate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scenegate.cli.Console;
import dev.scenegate.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs the CLI in-process over byte streams with a given environment. */
record FleetCli(int exit, String out, String err) {
  static FleetCli run(Map<String, String> env, String... argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            false);
    int exit = Main.standard().run(List.of(argv), console);
    return new FleetCli(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** stdout as exactly one JSON object on one line. */
  JsonNode json() throws Exception {
    assertEquals(1, out.lines().count(), "one line on stdout: " + out);
    return new ObjectMapper().readTree(out);
  }

  /** Exactly one line on stderr, and no stack trace. */
  String oneErrorLine() {
    assertEquals(1, err.lines().count(), "one line on stderr: " + err);
    assertFalse(err.contains("\tat "), err);
    assertFalse(err.contains("Exception"), err);
    return err.strip();
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
