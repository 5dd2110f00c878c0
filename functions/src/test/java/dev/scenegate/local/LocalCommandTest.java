package dev.scenegate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.cli.Console;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.cli.Main;
import dev.scenegate.events.LocalEventPublisher;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.logging.Severity;
import dev.scenegate.storage.LocalObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scenegate local --once} and {@code scenegate demo}, run in-process through Main. */
class LocalCommandTest {
  @TempDir Path dir;

  private ByteArrayOutputStream out = new ByteArrayOutputStream();
  private ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void quietLogs() {
    JsonLog.threshold(Severity.WARNING);
  }

  @AfterAll
  static void restoreLogs() {
    JsonLog.threshold(Severity.INFO);
  }

  private int run(String... argv) {
    out = new ByteArrayOutputStream();
    err = new ByteArrayOutputStream();
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            false);
    return Main.standard().run(List.of(argv), console);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private void writeScene(String sceneId, boolean corrupt) throws IOException {
    DemoScene scene = new DemoScene(new LocalObjectStore(dir), sceneId);
    scene.run(scene.sourceImage());
    scene.writeAssets();
    if (corrupt) {
      scene.corruptAsset();
    }
    scene.run(new DemoScene.Step("", "assets/.regen3d_complete", () -> {}));
  }

  @Test
  void oncePrintsEventsAndVerdictsAndExitsZero() throws IOException {
    writeScene("kitchen_001", false);

    assertEquals(ExitCodes.OK, run("local", dir.toString(), "--once"), stderr());

    assertTrue(stdout().contains("scene kitchen_001: e2e running"), stdout());
    assertTrue(
        stdout().lines().anyMatch(l -> l.contains("regen3d") && l.contains("-> passed")), stdout());
    assertTrue(stdout().contains("2 new marker(s)"), stdout());
    assertEquals("", stderr());
    assertEquals(3, LocalEventPublisher.read(dir.resolve(LocalMode.EVENTS_FILE)).size());

    assertEquals(ExitCodes.OK, run("local", dir.toString(), "--once"), stderr());
    assertTrue(stdout().contains("0 new marker(s), 0 transition(s), 2 already done"), stdout());
    assertEquals(3, LocalEventPublisher.read(dir.resolve(LocalMode.EVENTS_FILE)).size());
  }

  @Test
  void onceExitsOneWhenASceneFailedAndSaysWhichOnStderr() throws IOException {
    writeScene("kitchen_001", false);
    writeScene("kitchen_002", true);

    assertEquals(ExitCodes.FAILED, run("local", dir.toString(), "--once"));

    assertTrue(stdout().contains("scene kitchen_002: e2e failed"), stdout());
    assertTrue(stdout().contains("ALERT checksum_failure (regen3d)"), stdout());
    assertTrue(stdout().contains(DemoScene.CORRUPTED_ASSET + "  SHA256_MISMATCH"), stdout());
    assertEquals(List.of("scenegate local: e2e failed for kitchen_002"), stderr().lines().toList());
  }

  @Test
  void aMissingFolderIsBadInput() {
    assertEquals(ExitCodes.BAD_INPUT, run("local", dir.resolve("nope").toString(), "--once"));
    assertEquals(1, stderr().lines().count(), stderr());
    assertTrue(stderr().contains("is not a folder"), stderr());
    assertEquals(ExitCodes.BAD_INPUT, run("local"));
    assertTrue(stderr().contains("missing DIR"), stderr());
  }

  @Test
  void aFolderWithNothingLocalUnderstandsSaysWhatItExpected() throws Exception {
    Path scenes = Files.createDirectories(dir.resolve("scenes"));
    Path scene = Files.createDirectories(scenes.resolve("küche_001/assets"));
    Files.writeString(scene.resolve(".regen3d_complete"), "");

    assertEquals(ExitCodes.BAD_INPUT, run("local", scenes.toString(), "--once"));
    assertTrue(stderr().contains("is a scenes/ folder; give the folder that holds it"), stderr());
    assertEquals(ExitCodes.BAD_INPUT, run("local", scene.getParent().toString(), "--once"));
    assertTrue(stderr().contains("is a scene folder; give the bucket root"), stderr());
    assertEquals(ExitCodes.BAD_INPUT, run("local", dir.toString(), "--once"));
    assertTrue(stderr().contains("is named by a scene id: küche_001"), stderr());
    assertEquals(1, stderr().lines().count(), stderr());
  }

  @Test
  void helpDescribesTheCommands() {
    assertEquals(ExitCodes.OK, run("local", "--help"));
    assertTrue(stdout().contains("usage: scenegate local DIR"), stdout());
    assertEquals(ExitCodes.OK, run("demo", "--help"));
    assertTrue(stdout().contains("usage: scenegate demo"), stdout());
  }

  @Test
  void demoShowsBothVerdictsTheFailedMarkerAndTheAlert() {
    assertEquals(ExitCodes.OK, run("demo"), stderr());

    String text = stdout();
    assertTrue(text.contains("verdict: demo_kitchen e2e passed"), text);
    assertTrue(text.contains("verdict: demo_corrupt e2e failed"), text);
    assertTrue(text.contains("scenegate wrote scenes/demo_corrupt/assets/.failed"), text);
    assertTrue(text.contains("\"stage\" : \"regen3d\""), text);
    assertTrue(text.contains("ALERT checksum_failure (regen3d)"), text);
    assertTrue(text.contains("obj_1/mesh.glb  SHA256_MISMATCH  expected "), text);
    assertTrue(text.contains("remediation 1. Re-stage assets"), text);
    assertTrue(text.lines().anyMatch(l -> l.contains("dwm") && l.contains("-> waiting")), text);
    assertTrue(text.contains("demo ok:"), text);
    assertEquals("", stderr());
    Matcher folder = Pattern.compile("scenegate demo: (\\S+) acts as the bucket").matcher(text);
    assertTrue(folder.find(), text);
    assertFalse(Files.exists(Path.of(folder.group(1))), "the temporary folder is removed");
  }

  @Test
  void demoKeepLeavesAFolderThatLocalModeFindsDone() throws IOException {
    assertEquals(ExitCodes.OK, run("demo", "--keep"), stderr());
    Matcher kept = Pattern.compile("kept (\\S+)").matcher(stdout());
    assertTrue(kept.find(), stdout());
    Path folder = Path.of(kept.group(1));
    try {
      int lines = LocalEventPublisher.read(folder.resolve(LocalMode.EVENTS_FILE)).size();
      assertTrue(lines > 10, "events.jsonl has " + lines + " lines");

      assertEquals(ExitCodes.FAILED, run("local", folder.toString(), "--once"));
      assertTrue(stdout().contains("0 transition(s)"), stdout());
      assertEquals(lines, LocalEventPublisher.read(folder.resolve(LocalMode.EVENTS_FILE)).size());
    } finally {
      try (var walk = Files.walk(folder)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
