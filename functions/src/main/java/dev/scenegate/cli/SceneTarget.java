package dev.scenegate.cli;

import dev.scenegate.scene.SceneIds;
import dev.scenegate.storage.BucketNames;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the per-scene commands ({@code check}, {@code status}) take: {@code SCENE_ID} and {@code
 * --bucket B | --dir DIR}, a Cloud Storage bucket or a local folder acting as one. The one place
 * both are checked and the store is opened, so the commands accept and refuse the same things.
 */
public final class SceneTarget {
  private SceneTarget() {}

  /** {@code given} when it is a scene id (DESIGN's pattern); otherwise bad input. */
  public static String sceneId(String given) throws CliException {
    if (!SceneIds.isValid(given)) {
      throw CliException.usage(
          "invalid scene id '"
              + Main.oneLine(given)
              + "' (expected "
              + SceneIds.PATTERN.pattern()
              + ")");
    }
    return given;
  }

  /**
   * The store named by exactly one of {@code --bucket} (see {@link GcsTargets#bucket}: the name is
   * checked and the bucket must exist) or {@code --dir} (an existing folder).
   */
  /**
   * The state bucket, where scenegate keeps its own documents: reached without the probing listing
   * {@link #store} makes, since a deployment grants only scenegate's prefixes of it.
   */
  public static ObjectStore stateBucket(String bucket, Console console) throws CliException {
    Optional<String> bad = BucketNames.problem(bucket);
    if (bad.isPresent()) {
      throw CliException.usage("STATE_BUCKET: " + bad.get());
    }
    return GcsTargets.open(bucket, console);
  }

  public static ObjectStore store(String bucket, String dir, Console console) throws CliException {
    if ((bucket == null) == (dir == null)) {
      throw CliException.usage("give exactly one of --bucket B or --dir DIR");
    }
    if (bucket != null) {
      return GcsTargets.bucket(bucket, console);
    }
    Path path = LocalPaths.of(dir, "--dir");
    if (!Files.isDirectory(path)) {
      throw new CliException(ExitCodes.BAD_INPUT, "DIR_NOT_FOUND", "no such folder: " + dir);
    }
    return new LocalObjectStore(path);
  }
}
