package dev.scenegate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DESIGN "Signals": {@code scenegate local DIR} is interactive, so a stop the user asks for (Ctrl-C
 * is SIGINT, a supervisor's SIGTERM) ends the watch cleanly and exits 0, as its help says. A real
 * process gets a real signal once it has said it is watching.
 */
class LocalSignalTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void aStopSignalEndsTheWatchWithExitZero(String signal) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.scenegate.cli.Main",
                "local",
                dir.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("scenegate local: watching")) {
        lines.add(line);
      }
      assertTrue(line != null, "never said it was watching: " + lines);

      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
      assertEquals(0, kill.waitFor());

      while ((line = out.readLine()) != null) {
        lines.add(line);
      }
    } finally {
      process.destroyForcibly();
    }
    assertEquals(0, process.waitFor(), "exit code after SIG" + signal + ": " + lines);
    assertTrue(lines.contains("scenegate local: stopped"), lines.toString());
  }
}
