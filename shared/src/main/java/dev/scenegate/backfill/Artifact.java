package dev.scenegate.backfill;

import dev.scenegate.storage.ObjectInfo;
import java.util.Comparator;

/**
 * One object the backfill is responsible for, as listed. {@code folder} is the prefix (ending in
 * '/') that holds the manifest covering it; {@code relativePath} is its key in that manifest.
 */
public record Artifact(
    ArtifactType type, String sceneId, String folder, String relativePath, ObjectInfo info) {

  /** The deterministic processing order: artifact type, then object name. */
  public static final Comparator<Artifact> ORDER =
      Comparator.comparing(Artifact::type).thenComparing(Artifact::name);

  public String name() {
    return info.name();
  }

  /** Where this artifact sits in {@link #ORDER}, comparable with a checkpoint position. */
  public Position position() {
    return Position.of(type, name());
  }
}
