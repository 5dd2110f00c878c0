package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scenegate.quality.SceneFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
  private static final String SCENE = "kitchen_001";

  @TempDir Path bucket;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... argv) {
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            false);
    List<String> args = new ArrayList<>(List.of("check"));
    args.addAll(List.of(argv));
    return Main.standard().run(args, console);
  }

  private int run(String... argv) {
    return run(Map.of(), argv);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private JsonNode json() throws Exception {
    return new ObjectMapper().readTree(stdout());
  }

  /** The table line for one criterion, e.g. "FAIL episodes validation report ...". */
  private String line(String criterion) {
    return stdout()
        .lines()
        .filter(l -> l.contains(criterion) && !l.startsWith(" "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + criterion + " in\n" + stdout()));
  }

  @Test
  void passingSceneExitsZeroWithPassTable() throws Exception {
    SceneFixture.passing(bucket, SCENE);
    assertEquals(ExitCodes.OK, run(SCENE, "--dir", bucket.toString()), stderr());
    assertTrue(stdout().startsWith("STATUS") || stdout().contains("\nSTATUS  STAGE"), stdout());
    assertTrue(line("validation report thresholds").startsWith("PASS"));
    assertTrue(stdout().contains("-> pass_rate 0.95 >= 0.90"), stdout());
    assertTrue(stdout().contains("PASS  kitchen_001: 18 criteria passed"), stdout());
    assertEquals("", stderr());
  }

  @Test
  void passingSceneAsJson() throws Exception {
    SceneFixture.passing(bucket, SCENE);
    assertEquals(ExitCodes.OK, run(SCENE, "--dir", bucket.toString(), "--json"));
    JsonNode root = json();
    assertTrue(root.get("ok").asBoolean());
    assertEquals("PASS", root.get("verdict").asText());
    assertEquals(0, root.get("failed").asInt());
    assertEquals(18, root.get("criteria").size());
    JsonNode first = root.get("criteria").get(0);
    assertEquals("source_image", first.get("stage").asText());
    assertEquals("PASS", first.get("status").asText());
    assertEquals("scenes/kitchen_001/source_checksums.json", first.get("object").asText());
    assertTrue(root.get("error").isNull());
  }

  @Test
  void failedThresholdNamesCriterionAndFile() throws Exception {
    SceneFixture.passing(bucket, SCENE)
        .edit(
            "episodes/quality/validation_report.json",
            "\"average_score\": 0.91",
            "\"average_score\": 0.8");
    assertEquals(ExitCodes.FAILED, run(SCENE, "--dir", bucket.toString()));
    String row = line("validation report thresholds");
    assertTrue(row.startsWith("FAIL"), row);
    assertTrue(row.contains("episodes/quality/validation_report.json"), row);
    assertTrue(stdout().contains("-> summary.average_score 0.80 < 0.85"), stdout());
    assertTrue(stdout().contains("FAIL  kitchen_001: 1 of 18 criteria failed"), stdout());
    assertEquals(1, stderr().lines().count(), stderr());
    assertTrue(stderr().contains("validation report thresholds"), stderr());
  }

  @Test
  void eachFailingCriterionIsReportedInJson() throws Exception {
    record Breakage(String file, String from, String to, String criterion, String object) {}
    List<Breakage> breakages =
        List.of(
            new Breakage(
                "episode-generation-job/quality_gate_report.json",
                "\"can_proceed\": true",
                "\"can_proceed\": false",
                "quality gate report",
                "episode-generation-job/quality_gate_report.json"),
            new Breakage(
                "episodes/quality/validation_report.json",
                "\"physx_used\": true",
                "\"physx_used\": false",
                "validation report thresholds",
                "episodes/quality/validation_report.json"),
            new Breakage(
                "episodes/quality/validation_report.json",
                "\"USE_MOCK_CAPTURE\": false",
                "\"USE_MOCK_CAPTURE\": true",
                "no mock fallback indicators",
                "episodes/quality/validation_report.json"),
            new Breakage(
                "episodes/import_manifest.json",
                "\"passed_validation\": 38",
                "\"passed_validation\": 0",
                "import manifest checks",
                "episodes/import_manifest.json"),
            new Breakage(
                "geniesim/export_manifest.json",
                "\"source_assets\"",
                "\"assets\"",
                "export manifest has source_assets",
                "geniesim/export_manifest.json"),
            new Breakage(
                "assets/obj_1/asset.glb",
                "glTF",
                "GLTF",
                "asset checksums verify",
                "assets/obj_1/asset.glb"));
    int i = 0;
    for (Breakage b : breakages) {
      Path dir = bucket.resolve("case" + i++);
      SceneFixture.passing(dir, SCENE).edit(b.file(), b.from(), b.to());
      out.reset();
      assertEquals(ExitCodes.FAILED, run(SCENE, "--dir", dir.toString(), "--json"), b.toString());
      JsonNode root = json();
      assertEquals("FAIL", root.get("verdict").asText());
      assertEquals(1, root.get("failed").asInt(), root.toString());
      JsonNode failed = null;
      for (JsonNode row : root.get("criteria")) {
        if (row.get("status").asText().equals("FAIL")) {
          failed = row;
        }
      }
      assertEquals(b.criterion(), failed.get("criterion").asText(), b.toString());
      assertEquals("scenes/kitchen_001/" + b.object(), failed.get("object").asText());
    }
  }

  @Test
  void missingMarkerFails() throws Exception {
    SceneFixture.passing(bucket, SCENE).delete("dwm/.dwm_complete");
    assertEquals(ExitCodes.FAILED, run(SCENE, "--dir", bucket.toString()));
    assertTrue(line("marker .dwm_complete present").startsWith("FAIL"));
  }

  @Test
  void invalidSceneIdIsBadInput() throws Exception {
    Files.createDirectories(bucket);
    assertEquals(ExitCodes.BAD_INPUT, run("../etc", "--dir", bucket.toString()));
    assertTrue(stderr().contains("invalid scene id"), stderr());
    assertEquals(1, stderr().lines().count());
    out.reset();
    assertEquals(ExitCodes.BAD_INPUT, run("a/b", "--dir", bucket.toString(), "--json"));
    assertEquals("USAGE", json().get("error").get("kind").asText());
  }

  @Test
  void missingFolderOrSceneIsBadInput() throws Exception {
    assertEquals(
        ExitCodes.BAD_INPUT, run(SCENE, "--dir", bucket.resolve("nope").toString(), "--json"));
    assertEquals("DIR_NOT_FOUND", json().get("error").get("kind").asText());
    out.reset();
    SceneFixture.passing(bucket, "other_scene");
    assertEquals(ExitCodes.BAD_INPUT, run(SCENE, "--dir", bucket.toString(), "--json"));
    assertEquals("SCENE_NOT_FOUND", json().get("error").get("kind").asText());
    assertTrue(json().get("error").get("message").asText().contains("scenes/kitchen_001/"));
  }

  @Test
  void targetIsRequiredExactlyOnce() throws Exception {
    assertEquals(ExitCodes.BAD_INPUT, run(SCENE));
    assertTrue(stderr().contains("exactly one of --bucket B or --dir DIR"), stderr());
    assertEquals(ExitCodes.BAD_INPUT, run(SCENE, "--dir", "x", "--bucket", "y"));
    assertEquals(ExitCodes.BAD_INPUT, run("--dir", bucket.toString()));
    assertEquals(ExitCodes.BAD_INPUT, run(SCENE, "extra", "--dir", bucket.toString()));
  }

  @Test
  void invalidBucketNameIsBadInput() throws Exception {
    assertEquals(ExitCodes.BAD_INPUT, run(SCENE, "--bucket", "Not A Bucket"));
    assertTrue(stderr().contains("invalid bucket name"), stderr());
  }

  @Test
  void configuredThresholdsApplyAndBadOnesAreBadInput() throws Exception {
    SceneFixture.passing(bucket, SCENE);
    assertEquals(
        ExitCodes.FAILED, run(Map.of("MIN_PASS_RATE", "0.96"), SCENE, "--dir", bucket.toString()));
    assertTrue(stdout().contains("summary.pass_rate 0.95 < 0.96"), stdout());
    assertEquals(
        ExitCodes.BAD_INPUT,
        run(Map.of("MIN_QUALITY_SCORE", "high"), SCENE, "--dir", bucket.toString()));
    assertTrue(stderr().contains("MIN_QUALITY_SCORE"), stderr());
  }

  @Test
  void helpDescribesCriteriaAndExitCodes() throws Exception {
    assertEquals(ExitCodes.OK, run("--help"));
    assertTrue(stdout().contains("usage: scenegate check SCENE_ID (--bucket B | --dir DIR)"));
    assertTrue(stdout().contains("exit codes: 0 PASS, 1 FAIL"));
  }
}
