package dev.scenegate.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.scenegate.storage.ObjectInfo;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackfillScopeTest {

  private static List<ObjectInfo> listing(String... names) {
    return java.util.Arrays.stream(names).map(n -> ObjectInfo.of(n, 1, 1)).toList();
  }

  private final List<ObjectInfo> bucket =
      listing(
          "scenes/b_scene/source_image.png",
          "scenes/b_scene/assets/z.glb",
          "scenes/b_scene/assets/obj/a.glb",
          "scenes/b_scene/assets/.regen3d_complete",
          "scenes/b_scene/assets/obj/.hidden",
          "scenes/b_scene/assets/source_checksums.json",
          "scenes/b_scene/assets/obj/source_checksums.json",
          "scenes/b_scene/source_checksums.json",
          "scenes/b_scene/config.json",
          "scenes/b_scene/usd/.usd_complete",
          "scenes/b_scene/variation_assets/x.glb",
          "scenes/a.scene/assets/m.bin",
          "scenes/a.scene/images/source_image.png",
          "scenes/_bad/assets/x.bin",
          "scenes/-bad/source_image.png",
          "scenes/loose.txt",
          "elsewhere/assets/q.bin");

  @Test
  void classifiesAssetsAndSourceImagesInProcessingOrder() {
    BackfillScope scope = BackfillScope.of(bucket, EnumSet.allOf(ArtifactType.class), Shard.all());
    List<String> names = scope.artifacts().stream().map(Artifact::name).toList();
    assertEquals(
        List.of(
            "scenes/a.scene/assets/m.bin",
            "scenes/b_scene/assets/obj/a.glb",
            "scenes/b_scene/assets/z.glb",
            "scenes/b_scene/source_image.png"),
        names);
    Artifact asset = scope.artifacts().get(1);
    assertEquals(ArtifactType.ASSET, asset.type());
    assertEquals("b_scene", asset.sceneId());
    assertEquals("scenes/b_scene/assets/", asset.folder());
    assertEquals("obj/a.glb", asset.relativePath());
    Artifact image = scope.artifacts().get(3);
    assertEquals(ArtifactType.SOURCE_IMAGE, image.type());
    assertEquals("scenes/b_scene/", image.folder());
    assertEquals("source_image.png", image.relativePath());
    assertNotNull(scope.manifestOf("scenes/b_scene/assets/"));
    assertNotNull(scope.manifestOf("scenes/b_scene/"));
    assertNull(scope.manifestOf("scenes/a.scene/assets/"));
    assertEquals(List.of("_bad", "-bad"), scope.ignoredScenes());
  }

  @Test
  void typesAndShardsNarrowTheScope() {
    BackfillScope images =
        BackfillScope.of(bucket, EnumSet.of(ArtifactType.SOURCE_IMAGE), Shard.all());
    assertEquals(1, images.artifacts().size());
    int total = 0;
    for (int i = 0; i < 2; i++) {
      total +=
          BackfillScope.of(bucket, EnumSet.allOf(ArtifactType.class), Shard.of(i, 2))
              .artifacts()
              .size();
    }
    assertEquals(4, total);
  }
}
