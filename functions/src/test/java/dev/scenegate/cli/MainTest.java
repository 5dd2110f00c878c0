package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Console console =
      new Console(
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8),
          Map.of(),
          false);

  @Test
  void unknownCommandIsUsageErrorWithOneLine() {
    int code = Main.standard().run(List.of("frobnicate\nx"), console);
    assertEquals(ExitCodes.BAD_INPUT, code);
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, stderr.lines().count(), stderr);
    assertTrue(stderr.contains("unknown command"), stderr);
  }

  @Test
  void helpListsCommandsAndExitsZero() {
    assertEquals(ExitCodes.OK, Main.standard().run(List.of("--help"), console));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: scenegate"));
  }

  @Test
  void noCommandIsUsageErrorWithOneLine() {
    Cli run = Cli.run();
    assertEquals(ExitCodes.BAD_INPUT, run.exit());
    assertTrue(run.out().contains("usage: scenegate"), run.out());
    run.oneErrorLine("scenegate: missing command");
  }

  @Test
  void aTypoGetsASuggestion() {
    Cli run = Cli.run("verfy", "x");
    assertEquals(ExitCodes.BAD_INPUT, run.exit());
    run.oneErrorLine("scenegate: unknown command 'verfy' - did you mean verify?");
    Cli option = Cli.run("verify", "x", "--jsn");
    option.oneErrorLine("scenegate verify: unknown option --jsn (did you mean --json?)");
  }

  @Test
  void versionIsPrinted() {
    Cli run = Cli.run("--version");
    assertEquals(ExitCodes.OK, run.exit());
    assertTrue(run.out().matches("scenegate \\S+\n"), run.out());
    assertEquals("", run.err());
  }

  @Test
  void oneFileIsOneFile() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("scenegate-plural");
    java.nio.file.Files.writeString(dir.resolve("a.bin"), "a");
    Cli manifest = Cli.run("manifest", dir.toString());
    assertTrue(manifest.out().endsWith("(1 file)\n"), manifest.out());
    Cli verify = Cli.run("verify", dir.toString());
    assertTrue(verify.out().startsWith("OK  1 file, "), verify.out());
  }

  @Test
  void fileSystemErrorsAreSpelledOut() {
    assertEquals(
        "/x/obj_1/asset.glb: permission denied",
        Main.describe(new java.nio.file.AccessDeniedException("/x/obj_1/asset.glb")));
    assertEquals(
        "/x/a: Is a directory",
        Main.describe(new java.nio.file.FileSystemException("/x/a", null, "Is a directory")));
    assertEquals(
        "/x/loop: symlink loop",
        Main.describe(
            new java.io.UncheckedIOException(
                new java.nio.file.FileSystemLoopException("/x/loop"))));
    assertEquals("IllegalStateException", Main.describe(new IllegalStateException()));
  }

  @Test
  void messagesAreCollapsedOntoOneLine() {
    assertEquals("a b c", Main.oneLine("a\nb\r\n\tc\n"));
  }

  @Test
  void unknownOptionIsRejected() {
    Cli run = Cli.run("verify", "x", "--nope");
    assertEquals(ExitCodes.BAD_INPUT, run.exit());
    run.oneErrorLine("scenegate verify: unknown option --nope");
  }
}
