package dev.scenegate.verify;

import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.RelativePaths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which files a manifest is expected to list, for {@code verify --strict} (UNLISTED) and the
 * audit's {@code untracked} (DESIGN "Checksum manifest"): every file below the manifest's folder
 * except
 *
 * <ul>
 *   <li>a subfolder that holds its own {@code source_checksums.json} (it answers for itself);
 *   <li>for a scene root's manifest ({@code scenes/<id>/source_checksums.json}), the stage folders
 *       and {@code config.json}: other stages write there, under their own manifests and markers;
 *   <li>dot-named files and folders (markers, {@code .failed}, temporary files);
 *   <li>scenegate's own objects ({@code _scenegate/}).
 * </ul>
 *
 * The manifest itself is never unlisted.
 */
public final class StrictScope {
  /** The folders of a scene root that belong to stages other than {@code source_image}. */
  public static final Set<String> SCENE_ROOT_STAGE_FOLDERS =
      Set.of(
          "assets",
          "variation_assets",
          "usd",
          "geniesim",
          "episodes",
          "episode-generation-job",
          "dwm");

  public static final String SCENE_CONFIG = "config.json";
  public static final String OWN_FOLDER = "_scenegate";

  private static final Pattern SCENE_ROOT_MANIFEST =
      Pattern.compile(
          "(^|.*/)scenes/[A-Za-z0-9][A-Za-z0-9_.-]{0,127}/"
              + Pattern.quote(ChecksumManifest.FILE_NAME)
              + "$");

  private final boolean sceneRoot;
  private final List<String> nestedManifestFolders;

  private StrictScope(boolean sceneRoot, List<String> nestedManifestFolders) {
    this.sceneRoot = sceneRoot;
    this.nestedManifestFolders = nestedManifestFolders;
  }

  /**
   * @param manifestLocation the manifest as a path or URI ending in its name ({@code
   *     ObjectStore.describe}: "/data/scenes/k1/source_checksums.json", "gs://b/scenes/k1/...")
   * @param relativePaths every object below the manifest's folder, relative to it
   */
  public static StrictScope of(String manifestLocation, Collection<String> relativePaths) {
    String location = manifestLocation.replace('\\', '/');
    List<String> nested = new ArrayList<>();
    for (String path : relativePaths) {
      if (path.endsWith("/" + ChecksumManifest.FILE_NAME)) {
        nested.add(path.substring(0, path.length() - ChecksumManifest.FILE_NAME.length()));
      }
    }
    return new StrictScope(SCENE_ROOT_MANIFEST.matcher(location).matches(), List.copyOf(nested));
  }

  /** Whether the manifest is a scene root's ({@code scenes/<id>/source_checksums.json}). */
  public boolean sceneRoot() {
    return sceneRoot;
  }

  /** Whether the manifest should list {@code relative} (a path relative to its folder). */
  public boolean covers(String relative) {
    if (relative.equals(ChecksumManifest.FILE_NAME) || RelativePaths.isHidden(relative)) {
      return false;
    }
    String first = relative.contains("/") ? relative.substring(0, relative.indexOf('/')) : "";
    if (first.equals(OWN_FOLDER) || relative.contains("/" + OWN_FOLDER + "/")) {
      return false;
    }
    if (sceneRoot && (SCENE_ROOT_STAGE_FOLDERS.contains(first) || relative.equals(SCENE_CONFIG))) {
      return false;
    }
    for (String folder : nestedManifestFolders) {
      if (relative.startsWith(folder)) {
        return false;
      }
    }
    return true;
  }
}
