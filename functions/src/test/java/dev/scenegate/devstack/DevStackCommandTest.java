package dev.scenegate.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.cli.Console;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevStackCommandTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... argv) {
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            false);
    return Main.standard().run(List.of(argv), console);
  }

  @Test
  void aMissingPartIsBadInputWithOneLineNamingIt() {
    int code =
        run(
            Map.of("FAKE_GCS_SERVER", dir.resolve("no-such-binary").toString()),
            "dev-stack",
            "--log-dir",
            dir.resolve("logs").toString());
    assertEquals(ExitCodes.BAD_INPUT, code);
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, stderr.lines().count(), stderr);
    assertTrue(stderr.startsWith("scenegate dev-stack: FAKE_GCS_SERVER="), stderr);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpAndUsage() {
    assertEquals(ExitCodes.OK, run(Map.of(), "dev-stack", "--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: scenegate dev-stack"));
    assertEquals(ExitCodes.BAD_INPUT, run(Map.of(), "dev-stack", "--port", "1"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --port"));
  }
}
