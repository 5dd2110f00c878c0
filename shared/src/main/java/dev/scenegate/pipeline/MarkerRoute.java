package dev.scenegate.pipeline;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an object-finalize event leads: the scene and stage of a marker object. Parsing is pure
 * string work, so everything that is not a marker (assets, reports, scenegate's own {@code .failed}
 * and {@code _scenegate/} writes, invalid scene ids) is dismissed without a single storage call.
 */
public record MarkerRoute(String sceneId, Stage stage, String object, boolean submitted) {

  /** DESIGN: a scene_id matches this. */
  public static final Pattern SCENE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  private static final String SCENES = "scenes/";
  private static final Map<String, Stage> BY_MARKER = new HashMap<>();

  static {
    for (Stage stage : Stage.values()) {
      for (String marker : stage.markers()) {
        BY_MARKER.put(marker, stage);
      }
    }
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
    if (stage == null || !validSceneId(sceneId)) {
      return Optional.empty();
    }
    return Optional.of(
        new MarkerRoute(sceneId, stage, objectName, relative.equals(Stage.GENIESIM_SUBMITTED)));
  }

  public static boolean validSceneId(String sceneId) {
    return sceneId != null && SCENE_ID.matcher(sceneId).matches();
  }
}
