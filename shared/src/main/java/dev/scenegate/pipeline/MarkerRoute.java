package dev.scenegate.pipeline;

import dev.scenegate.scene.SceneIds;
import dev.scenegate.scene.Stage;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where an object-finalize event leads: the scene and stage of a marker object. Parsing is pure
 * string work, so everything that is not a marker (assets, reports, scenegate's own {@code .failed}
 * and {@code _scenegate/} writes, invalid scene ids) is dismissed without a single storage call.
 */
public record MarkerRoute(String sceneId, Stage stage, String object, String relativeMarker) {

  private static final String SCENES = SceneIds.SCENES_FOLDER;
  private static final Map<String, Stage> BY_MARKER = new HashMap<>();

  static {
    for (Stage stage : Stage.values()) {
      for (String marker : stage.markers()) {
        BY_MARKER.put(marker, stage);
      }
    }
  }

  /** Only says the stage is running (a Genie Sim job was submitted). */
  public boolean submitted() {
    return stage.isRunningMarker(relativeMarker);
  }

  /** The route of {@code objectName}, or empty when it is not a marker of a valid scene. */
  public static Optional<MarkerRoute> parse(String objectName) {
    if (objectName == null || !objectName.startsWith(SCENES)) {
      return Optional.empty();
    }
    int slash = objectName.indexOf('/', SCENES.length());
    if (slash < 0) {
      return Optional.empty();
    }
    String sceneId = objectName.substring(SCENES.length(), slash);
    String relative = objectName.substring(slash + 1);
    Stage stage = BY_MARKER.get(relative);
    if (stage == null || !SceneIds.isValid(sceneId)) {
      return Optional.empty();
    }
    return Optional.of(new MarkerRoute(sceneId, stage, objectName, relative));
  }
}
