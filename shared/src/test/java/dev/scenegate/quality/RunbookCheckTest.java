package dev.scenegate.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.quality.CheckCriterion.Status;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.verify.Verifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunbookCheckTest {
  private static final String SCENE = "kitchen_001";
  private static final String PREFIX = "scenes/kitchen_001/";

  @TempDir Path bucket;

  private CheckReport check() throws Exception {
    LocalObjectStore store = new LocalObjectStore(bucket);
    return new RunbookCheck(
            new QualityGates(store, QualityThresholds.defaults()),
            new Verifier(store, 2, new SimpleMeterRegistry()))
        .run(SCENE);
  }

  private static CheckCriterion only(CheckReport report) {
    List<CheckCriterion> failed = report.failed();
    assertEquals(1, failed.size(), failed.toString());
    return failed.get(0);
  }

  @Test
  void completeProductionScenePasses() throws Exception {
    SceneFixture.passing(bucket, SCENE);
    CheckReport report = check();
    assertTrue(report.passed(), report.failed().toString());
    List<String> criteria =
        report.criteria().stream().map(c -> c.stage() + "|" + c.criterion()).toList();
    assertEquals(
        List.of(
            "source_image|marker source_checksums.json present",
            "source_image|source image checksums verify",
            "regen3d|marker .regen3d_complete present",
            "variation_assets|marker .variation_pipeline_complete present",
            "usd|marker .usd_complete present",
            "regen3d|asset checksums verify",
            "geniesim_export|marker .geniesim_submitted present",
            "geniesim_export|marker .geniesim_complete present",
            "geniesim_export|job.json exists",
            "geniesim_export|export manifest has source_assets",
            "episodes|marker .episodes_complete present",
            "episodes|validation report thresholds",
            "episodes|quality gate report",
            "episodes|no mock fallback indicators",
            "geniesim_import|marker .geniesim_import_complete present",
            "geniesim_import|import manifest checks",
            "geniesim_import|no mock fallback indicators",
            "dwm|marker .dwm_complete present"),
        criteria);
    assertTrue(report.criteria().stream().allMatch(c -> c.status() == Status.PASS));
    CheckCriterion thresholds = report.criteria().get(11);
    assertEquals(PREFIX + "episodes/quality/validation_report.json", thresholds.object());
    assertTrue(thresholds.detail().contains("pass_rate 0.95 >= 0.90"), thresholds.detail());
  }

  @Test
  void missingMarkerFailsAndLeavesItsChecksUnevaluated() throws Exception {
    SceneFixture.passing(bucket, SCENE).delete("episodes/.episodes_complete");
    CheckReport report = check();
    CheckCriterion failed = only(report);
    assertEquals("episodes", failed.stage());
    assertEquals("marker .episodes_complete present", failed.criterion());
    assertEquals(PREFIX + "episodes/.episodes_complete", failed.object());
    assertTrue(
        report.criteria().stream()
            .anyMatch(
                c ->
                    c.status() == Status.SKIP
                        && c.stage().equals("episodes")
                        && c.detail().contains("marker is missing")));
  }

  @Test
  void everyMarkerIsRequired() throws Exception {
    for (String marker :
        List.of(
            "assets/.regen3d_complete",
            "variation_assets/.variation_pipeline_complete",
            "usd/.usd_complete",
            "geniesim/.geniesim_submitted",
            "geniesim/.geniesim_complete",
            "geniesim/.geniesim_import_complete",
            "dwm/.dwm_complete")) {
      Path dir = bucket.resolve(marker.replace('/', '_'));
      SceneFixture.passing(dir, SCENE).delete(marker);
      LocalObjectStore store = new LocalObjectStore(dir);
      CheckReport report =
          new RunbookCheck(
                  new QualityGates(store, QualityThresholds.defaults()),
                  new Verifier(store, 1, new SimpleMeterRegistry()))
              .run(SCENE);
      assertEquals(PREFIX + marker, only(report).object(), marker);
    }
  }

  @Test
  void assetChecksumMismatchNamesTheAsset() throws Exception {
    SceneFixture.passing(bucket, SCENE).write("assets/obj_2/asset.glb", "tampered-asset");
    CheckCriterion failed = only(check());
    assertEquals("regen3d", failed.stage());
    assertEquals("asset checksums verify", failed.criterion());
    assertEquals(PREFIX + "assets/obj_2/asset.glb", failed.object());
    assertTrue(failed.detail().startsWith("SIZE_MISMATCH against source_checksums.json"));
  }

  @Test
  void sourceImageDigestMismatchFails() throws Exception {
    SceneFixture.passing(bucket, SCENE).write("source_image.png", "PNG-bytes-of-the-source-imagX");
    CheckCriterion failed = only(check());
    assertEquals("source image checksums verify", failed.criterion());
    assertTrue(failed.detail().startsWith("SHA256_MISMATCH"), failed.detail());
  }

  @Test
  void invalidAssetManifestFails() throws Exception {
    SceneFixture.passing(bucket, SCENE).write("assets/source_checksums.json", "{ nope");
    CheckCriterion failed = only(check());
    assertEquals(PREFIX + "assets/source_checksums.json", failed.object());
    assertTrue(failed.detail().startsWith("manifest invalid"), failed.detail());
  }

  @Test
  void missingAssetManifestFails() throws Exception {
    SceneFixture.passing(bucket, SCENE).delete("assets/source_checksums.json");
    assertEquals("manifest missing", only(check()).detail());
  }

  @Test
  void validationThresholdFailureIsNamed() throws Exception {
    SceneFixture.passing(bucket, SCENE)
        .edit(
            "episodes/quality/validation_report.json",
            "\"pass_rate\": 0.95",
            "\"pass_rate\": 0.82");
    CheckCriterion failed = only(check());
    assertEquals("validation report thresholds", failed.criterion());
    assertEquals(PREFIX + "episodes/quality/validation_report.json", failed.object());
    assertEquals("summary.pass_rate 0.82 < 0.90", failed.detail());
  }

  @Test
  void blockingGateFailureIsNamed() throws Exception {
    SceneFixture.passing(bucket, SCENE)
        .edit(
            "episode-generation-job/quality_gate_report.json",
            "\"blocking_failures\": 0",
            "\"blocking_failures\": 2");
    CheckCriterion failed = only(check());
    assertEquals("quality gate report", failed.criterion());
    assertEquals("summary.blocking_failures 2 != 0", failed.detail());
  }

  @Test
  void legacyCertificatesAreTheGateWhenNoReport() throws Exception {
    SceneFixture.passing(bucket, SCENE)
        .delete("episode-generation-job/quality_gate_report.json")
        .write(
            "episodes/e1/quality_certificate.json",
            "{ \"validation_passed\": true, \"recommended_use\": \"testing\" }");
    CheckCriterion failed = only(check());
    assertEquals("quality certificates accepted (legacy fallback)", failed.criterion());
    assertEquals(PREFIX + "episodes/e1/quality_certificate.json", failed.object());
  }

  @Test
  void mockIndicatorIsItsOwnCriterion() throws Exception {
    SceneFixture.passing(bucket, SCENE)
        .edit(
            "episodes/quality/validation_report.json",
            "\"SENSOR_CAPTURE_MODE\": \"isaac_sim\"",
            "\"SENSOR_CAPTURE_MODE\": \"mock\"");
    CheckCriterion failed = only(check());
    assertEquals("no mock fallback indicators", failed.criterion());
    assertEquals("episodes", failed.stage());
    assertTrue(failed.detail().startsWith("mock indicator config.SENSOR_CAPTURE_MODE"));
  }

  @Test
  void importManifestFailureIsNamed() throws Exception {
    SceneFixture.passing(bucket, SCENE)
        .edit("episodes/import_manifest.json", "\"threshold\": 0.85", "\"threshold\": 0.8");
    CheckCriterion failed = only(check());
    assertEquals("geniesim_import", failed.stage());
    assertEquals("import manifest checks", failed.criterion());
    assertEquals("quality.threshold 0.80 != MIN_QUALITY_SCORE 0.85", failed.detail());
  }

  @Test
  void exportManifestWithoutSourceAssetsFails() throws Exception {
    SceneFixture.passing(bucket, SCENE).write("geniesim/export_manifest.json", "{}");
    CheckCriterion failed = only(check());
    assertEquals("export manifest has source_assets", failed.criterion());
    assertEquals("source_assets section is missing", failed.detail());
  }

  @Test
  void geniesimStagesAreSkippedWhenConfigSaysSo() throws Exception {
    SceneFixture.passing(bucket, SCENE)
        .write("config.json", "{ \"use_geniesim\": false }")
        .delete("geniesim/.geniesim_submitted")
        .delete("geniesim/.geniesim_complete")
        .delete("geniesim/.geniesim_import_complete")
        .delete("geniesim/job.json");
    CheckReport report = check();
    assertTrue(report.passed(), report.failed().toString());
    assertTrue(
        report.criteria().stream()
            .filter(c -> c.stage().startsWith("geniesim_"))
            .allMatch(c -> c.status() == Status.SKIP));
  }

  @Test
  void malformedConfigFailsButStillChecksEverything() throws Exception {
    SceneFixture.passing(bucket, SCENE).write("config.json", "{ \"use_geniesim\": \"no\" }");
    CheckCriterion failed = only(check());
    assertEquals("config.json readable", failed.criterion());
    assertTrue(failed.detail().contains("not true/false"));
  }

  @Test
  void emptyBucketHasNoScene() throws IOException {
    Files.createDirectories(bucket.resolve("scenes/other"));
    assertThrows(RunbookCheck.SceneNotFoundException.class, this::check);
  }

  @Test
  void invalidSceneIdIsRefused() {
    LocalObjectStore store = new LocalObjectStore(bucket);
    RunbookCheck check =
        new RunbookCheck(
            new QualityGates(store, QualityThresholds.defaults()),
            new Verifier(store, 1, new SimpleMeterRegistry()));
    assertThrows(IllegalArgumentException.class, () -> check.run("../etc"));
    assertFalse(Files.exists(bucket.resolve("scenes")));
  }
}
