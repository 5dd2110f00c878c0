package dev.scenegate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.cli.Cli;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.events.EventJson;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.SceneFixture;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.testing.RecordingPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scenegate audit --dir}: output, exit codes, and the fixity alert in local mode. */
class AuditCommandTest {
  static final String ASSET = "scenes/k1/assets/obj_1/asset.glb";

  @TempDir Path root;
  private SceneFixture scene;
  private Instant passedAt;

  @BeforeEach
  void passRegen3d() throws Exception {
    LocalObjectStore store = new LocalObjectStore(root);
    scene = new SceneFixture(store, "k1").writeAllPassing();
    scene.put("assets/.regen3d_complete", new byte[0]);
    Instant written = Instant.EPOCH;
    for (ObjectInfo info : store.list("scenes/k1/")) {
      written = info.updated().isAfter(written) ? info.updated() : written;
    }
    passedAt = written.plusSeconds(60);
    MarkerHandler handler =
        new MarkerHandler(
            store,
            new RecordingPublisher(),
            new SimpleMeterRegistry(),
            MarkerConfig.fromEnv(Map.of("VERIFY_THREADS", "1")),
            Clock.fixed(passedAt, ZoneOffset.UTC));
    handler.handle(scene.existing("source_checksums.json"));
    handler.handle(scene.existing("assets/.regen3d_complete"));
  }

  private Cli audit(String... options) {
    List<String> argv = new ArrayList<>(List.of("audit", "--dir", root.toString()));
    argv.addAll(List.of(options));
    return Cli.run(Map.of(), argv.toArray(String[]::new));
  }

  @Test
  void anUntouchedSceneIsExitZeroWithDesignsJson() throws Exception {
    Cli cli = audit("--json");
    assertEquals(ExitCodes.OK, cli.exit(), cli.toString());
    JsonNode json = EventJson.MAPPER.readTree(cli.out());
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertEquals(
        List.of("scenes_audited", "files_checked", "bytes_hashed", "findings", "errors"), fields);
    assertEquals(1, json.get("scenes_audited").asInt());
    assertEquals(0, json.get("bytes_hashed").asLong());
    assertEquals(0, json.get("findings").size());
    assertEquals("", cli.err());
  }

  @Test
  void aReplacedAssetIsExitOneNamedInTheJsonAndInOneFixityAlert() throws Exception {
    scene.corruptAsset();
    Files.setLastModifiedTime(root.resolve(ASSET), FileTime.from(passedAt.plusSeconds(60)));

    Cli cli = audit("--json");

    assertEquals(ExitCodes.FAILED, cli.exit(), cli.toString());
    assertEquals(1, cli.err().lines().count(), cli.err());
    assertTrue(cli.err().contains("1 finding(s) in 1 scene(s): 1 changed"), cli.err());
    JsonNode finding = EventJson.MAPPER.readTree(cli.out()).get("findings").get(0);
    assertEquals("k1", finding.get("scene_id").asText());
    assertEquals("scenes/k1/assets/source_checksums.json", finding.get("manifest").asText());
    assertEquals("obj_1/asset.glb", finding.get("path").asText());
    assertEquals("CHANGED", finding.get("kind").asText());
    List<String> lines = Files.readAllLines(root.resolve("_scenegate/events.jsonl"));
    List<JsonNode> fixity = new ArrayList<>();
    for (String line : lines) {
      JsonNode event = EventJson.MAPPER.readTree(line);
      if (event.toString().contains("\"kind\":\"fixity\"")) {
        fixity.add(event);
      }
    }
    assertEquals(1, fixity.size(), lines.toString());
    assertTrue(fixity.get(0).toString().contains("obj_1/asset.glb"));
  }

  @Test
  void textSaysWhatWasFoundAndWhere() throws Exception {
    scene.put("assets/stray.bin", new byte[] {7});
    Cli cli = audit();
    assertEquals(ExitCodes.FAILED, cli.exit(), cli.toString());
    assertTrue(cli.out().contains("UNTRACKED  k1  scenes/k1/assets/stray.bin"), cli.out());
    assertTrue(cli.out().contains("audited 1 scene(s)"), cli.out());
    assertTrue(cli.out().contains("1 fixity alert(s)"), cli.out());
  }

  @Test
  void deepHashesWithinTheRate() throws Exception {
    Cli cli = audit("--deep", "--max-rate", "1GB/s", "--json");
    assertEquals(ExitCodes.OK, cli.exit(), cli.toString());
    assertTrue(EventJson.MAPPER.readTree(cli.out()).get("bytes_hashed").asLong() > 0);
  }

  @Test
  void badInputIsExitTwoWithOneLine() throws Exception {
    for (String[] argv :
        List.of(
            new String[] {"--max-rate", "1MB/s"},
            new String[] {"--deep", "--max-rate", "fast"},
            new String[] {"--scene", "../etc"})) {
      Cli cli = audit(argv);
      assertEquals(ExitCodes.BAD_INPUT, cli.exit(), cli.toString());
      assertEquals(1, cli.err().lines().count(), cli.err());
    }
    Cli json = audit("--scene", "../etc", "--json");
    JsonNode error = EventJson.MAPPER.readTree(json.out());
    assertEquals("USAGE", error.path("error").path("kind").asText(), json.out());
    assertEquals(0, error.get("findings").size());
  }
}
