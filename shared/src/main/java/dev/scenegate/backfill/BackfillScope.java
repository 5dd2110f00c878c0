package dev.scenegate.backfill;

import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.RelativePaths;
import dev.scenegate.scene.SceneIds;
import dev.scenegate.storage.ObjectInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sorts a bucket listing into what the backfill hashes. Under {@code scenes/<scene_id>/} (scene ids
 * match {@link SceneIds#PATTERN}):
 *
 * <ul>
 *   <li>{@code assets/**} is an {@link ArtifactType#ASSET}, except manifests ({@code
 *       source_checksums.json} at any depth) and dot-named markers ({@code .regen3d_complete}, ...)
 *   <li>{@code source_image.png} at the scene root is the {@link ArtifactType#SOURCE_IMAGE}
 * </ul>
 *
 * Everything else is out of scope. The result is in processing order (type, then name) and keeps
 * the existing manifests of the folders it covers.
 */
public final class BackfillScope {
  public static final String SCENES_PREFIX = SceneIds.SCENES_FOLDER;
  public static final String ASSETS_FOLDER = "assets/";
  public static final String SOURCE_IMAGE = "source_image.png";

  private final List<Artifact> artifacts;
  private final Map<String, ObjectInfo> manifests;
  private final List<String> ignoredScenes;

  private BackfillScope(
      List<Artifact> artifacts, Map<String, ObjectInfo> manifests, List<String> ignoredScenes) {
    this.artifacts = artifacts;
    this.manifests = manifests;
    this.ignoredScenes = ignoredScenes;
  }

  /** Classifies {@code listing} (objects under {@link #SCENES_PREFIX}). */
  public static BackfillScope of(List<ObjectInfo> listing, Set<ArtifactType> types, Shard shard) {
    List<Artifact> artifacts = new ArrayList<>();
    Map<String, ObjectInfo> manifests = new TreeMap<>();
    Map<String, Boolean> ignored = new LinkedHashMap<>();
    for (ObjectInfo info : listing) {
      String name = info.name();
      if (!name.startsWith(SCENES_PREFIX)) {
        continue;
      }
      String rest = name.substring(SCENES_PREFIX.length());
      int slash = rest.indexOf('/');
      if (slash <= 0) {
        continue;
      }
      String sceneId = rest.substring(0, slash);
      String inScene = rest.substring(slash + 1);
      if (!SceneIds.isValid(sceneId)) {
        ignored.put(sceneId, true);
        continue;
      }
      if (!shard.owns(sceneId)) {
        continue;
      }
      String sceneFolder = SCENES_PREFIX + sceneId + "/";
      if (inScene.equals(ChecksumManifest.FILE_NAME)) {
        manifests.put(name, info);
      } else if (inScene.equals(SOURCE_IMAGE)) {
        if (types.contains(ArtifactType.SOURCE_IMAGE)) {
          artifacts.add(
              new Artifact(ArtifactType.SOURCE_IMAGE, sceneId, sceneFolder, SOURCE_IMAGE, info));
        }
      } else if (inScene.startsWith(ASSETS_FOLDER) && inScene.length() > ASSETS_FOLDER.length()) {
        String relative = inScene.substring(ASSETS_FOLDER.length());
        String base = RelativePaths.baseName(relative);
        if (base.equals(ChecksumManifest.FILE_NAME)) {
          if (relative.equals(ChecksumManifest.FILE_NAME)) {
            manifests.put(name, info);
          }
          continue;
        }
        if (base.startsWith(".") || relative.endsWith("/")) {
          continue;
        }
        if (types.contains(ArtifactType.ASSET)) {
          artifacts.add(
              new Artifact(
                  ArtifactType.ASSET, sceneId, sceneFolder + ASSETS_FOLDER, relative, info));
        }
      }
    }
    artifacts.sort(Artifact.ORDER);
    return new BackfillScope(
        Collections.unmodifiableList(artifacts),
        Collections.unmodifiableMap(manifests),
        List.copyOf(ignored.keySet()));
  }

  /** In processing order. */
  public List<Artifact> artifacts() {
    return artifacts;
  }

  /** The existing manifest of {@code folder}, if the listing had one. */
  public ObjectInfo manifestOf(String folder) {
    return manifests.get(folder + ChecksumManifest.FILE_NAME);
  }

  /** Folder names under scenes/ that are not valid scene ids (left alone). */
  public List<String> ignoredScenes() {
    return ignoredScenes;
  }
}
