package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertsCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private Console console(Map<String, String> env) {
    return new Console(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        env,
        false);
  }

  private int run(Map<String, String> env, String... argv) {
    return Main.standard().run(List.of(argv), console(env));
  }

  @Test
  void helpDescribesTail() {
    assertEquals(ExitCodes.OK, run(Map.of(), "alerts", "--help"));
    String help = out.toString(StandardCharsets.UTF_8);
    assertTrue(help.contains("alerts tail --subscription S"), help);
    assertTrue(help.contains("exit codes"), help);
    out.reset();
    assertEquals(ExitCodes.OK, run(Map.of(), "--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("alerts"));
  }

  @Test
  void badInputIsExitTwoWithOneLine() {
    String[][] cases = {
      {"alerts"},
      {"alerts", "head", "--subscription", "s"},
      {"alerts", "tail"},
      {"alerts", "tail", "--subscription", "sub", "extra"},
      {"alerts", "tail", "--subscription", "a/b"},
      {"alerts", "tail", "--subscription", "1bad"},
      {"alerts", "tail", "--subscription", "good-sub", "--max", "0"},
      {"alerts", "tail", "--subscription", "good-sub", "--max", "x"},
      {"alerts", "tail", "--subscription", "good-sub", "--wait", "-1"},
      {"alerts", "tail", "--subscription", "good-sub", "--nope"},
      // No project anywhere, and no emulator.
      {"alerts", "tail", "--subscription", "good-sub"},
      {"alerts", "tail", "--subscription", "projects/p/subscriptions/s1x", "--project", "q"},
    };
    for (String[] argv : cases) {
      err.reset();
      assertEquals(ExitCodes.BAD_INPUT, run(Map.of(), argv), String.join(" ", argv));
      String stderr = err.toString(StandardCharsets.UTF_8);
      assertEquals(1, stderr.lines().count(), String.join(" ", argv) + ": " + stderr);
      assertTrue(stderr.startsWith("scenegate alerts: "), stderr);
    }
  }

  @Test
  void resolvesSubscriptionNames() throws Exception {
    assertEquals(
        "projects/p1/subscriptions/sub-1", AlertsCommand.subscriptionPath("sub-1", "p1", "env-p"));
    assertEquals(
        "projects/p2/subscriptions/sub-1",
        AlertsCommand.subscriptionPath("projects/p2/subscriptions/sub-1", null, "env-p"));
    assertEquals(
        "projects/env-p/subscriptions/sub-1",
        AlertsCommand.subscriptionPath("sub-1", null, "env-p"));
    assertThrows(CliException.class, () -> AlertsCommand.subscriptionPath("sub-1", null, null));
  }
}
