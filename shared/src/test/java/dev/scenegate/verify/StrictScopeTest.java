package dev.scenegate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StrictScopeTest {
  private static final List<String> SCENE =
      List.of(
          "source_image.png",
          "notes.txt",
          "config.json",
          "assets/source_checksums.json",
          "assets/obj_1/asset.glb",
          "assets/.regen3d_complete",
          "usd/scene.usda",
          "episodes/quality/validation_report.json",
          "episode-generation-job/quality_gate_report.json",
          "geniesim/job.json",
          "dwm/out.bin",
          "variation_assets/v.glb",
          "extra/source_checksums.json",
          "extra/a.bin",
          ".failed",
          "_scenegate/state/x.json");

  @Test
  void aSceneRootLeavesStageFoldersConfigNestedManifestsAndOwnObjectsOut() {
    StrictScope scope = StrictScope.of("/data/scenes/kitchen_001/source_checksums.json", SCENE);

    assertTrue(scope.sceneRoot());
    List<String> covered = SCENE.stream().filter(scope::covers).toList();
    assertEquals(List.of("source_image.png", "notes.txt"), covered);
  }

  @Test
  void aSceneRootOnCloudStorageIsRecognisedToo() {
    assertTrue(StrictScope.of("gs://bucket/scenes/k1/source_checksums.json", SCENE).sceneRoot());
    assertFalse(
        StrictScope.of("gs://bucket/scenes/k1/assets/source_checksums.json", SCENE).sceneRoot());
    assertFalse(StrictScope.of("/data/k1/source_checksums.json", SCENE).sceneRoot());
  }

  @Test
  void anyOtherFolderCoversEverythingButNestedManifestsDotNamesAndOwnObjects() {
    StrictScope scope = StrictScope.of("/data/stuff/source_checksums.json", SCENE);

    assertTrue(scope.covers("config.json"));
    assertTrue(scope.covers("usd/scene.usda"));
    assertFalse(scope.covers("extra/a.bin"));
    assertFalse(scope.covers("assets/obj_1/asset.glb"));
    assertFalse(scope.covers("assets/.regen3d_complete"));
    assertFalse(scope.covers(".cache/x"));
    assertFalse(scope.covers("_scenegate/state/x.json"));
    assertFalse(scope.covers("source_checksums.json"));
  }
}
