package dev.scenegate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scenegate.cli.Cli;
import java.util.Map;

/** The CLI run in-process ({@link Cli}), with the fleet tests' assertions on its output. */
record FleetCli(int exit, String out, String err) {
  static FleetCli run(Map<String, String> env, String... argv) {
    Cli cli = Cli.run(env, argv);
    return new FleetCli(cli.exit(), cli.out(), cli.err());
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
