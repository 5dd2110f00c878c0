package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The sample scene README's first command verifies must keep verifying. */
class ExampleSceneTest {
  /** Surefire runs in the module folder; the sample lives at the repository root. */
  private static final Path SCENE = Path.of("..", "examples", "scenes", "kitchen_001");

  @Test
  void assetsVerifyStrictly() throws Exception {
    Cli run = Cli.run("verify", SCENE.resolve("assets").toString(), "--strict", "--json");
    assertEquals(0, run.exit(), run.toString());
    assertEquals(3, run.json().get("files_checked").intValue());
  }

  @Test
  void sourceImageVerifies() throws Exception {
    Cli run = Cli.run("verify", SCENE.toString(), "--json");
    assertEquals(0, run.exit(), run.toString());
    assertEquals(1, run.json().get("files_checked").intValue());
  }

  @Test
  void rootsNameTheBucketLayoutNotAMachine() throws Exception {
    assertTrue(
        Files.readString(SCENE.resolve("assets/source_checksums.json"))
            .contains("\"root\": \"/mnt/gcs/scenes/kitchen_001/assets\""));
  }
}
