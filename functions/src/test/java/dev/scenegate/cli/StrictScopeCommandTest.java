package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.local.DemoScene;
import dev.scenegate.storage.LocalObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 5: {@code verify --strict} on a scene root's manifest, after every stage ran,
 * reports nothing the other stages wrote (the demo scene showed 14 unlisted files), but still a
 * stray file beside the source image.
 */
class StrictScopeCommandTest {
  @TempDir Path bucket;

  private Path completeScene() throws Exception {
    DemoScene scene = new DemoScene(new LocalObjectStore(bucket), "kitchen_001");
    for (DemoScene.Step step : scene.allStages()) {
      scene.run(step);
    }
    Path root = bucket.resolve("scenes/kitchen_001");
    Files.writeString(root.resolve("assets/.failed"), "{}");
    Files.createDirectories(root.resolve("extra"));
    Files.writeString(root.resolve("extra/a.bin"), "a");
    new ManifestCommandRunner(root.resolve("extra")).run();
    return root;
  }

  /** Writes extra/source_checksums.json as an upstream job would. */
  private record ManifestCommandRunner(Path dir) {
    void run() {
      assertEquals(0, Cli.run("manifest", dir.toString()).exit());
    }
  }

  @Test
  void aSceneRootManifestDoesNotAnswerForTheStagesNestedManifestsOrMarkers() throws Exception {
    Path root = completeScene();

    Cli run = Cli.run("verify", root.toString(), "--strict", "--json");

    assertEquals(0, run.exit(), run.toString());
    assertEquals(0, run.json().get("unlisted").size(), run.out());
  }

  @Test
  void aStrayFileBesideTheSourceImageIsStillUnlisted() throws Exception {
    Path root = completeScene();
    Files.writeString(root.resolve("notes.txt"), "stray");

    Cli run = Cli.run("verify", root.toString(), "--strict", "--json");

    assertEquals(1, run.exit(), run.toString());
    List<String> unlisted = new ArrayList<>();
    for (JsonNode path : run.json().get("unlisted")) {
      unlisted.add(path.textValue());
    }
    assertEquals(List.of("notes.txt"), unlisted);
  }
}
