package dev.scenegate.scene;

import java.util.regex.Pattern;

/**
 * DESIGN "Objects in the bucket": every scene lives under {@code scenes/<scene_id>/}, and a
 * scene_id matches {@link #PATTERN}. The one copy of that pattern: the marker route, the state
 * document, the quality gates, the alert codec, the backfill scope and the CLI all check ids here.
 */
public final class SceneIds {
  /** DESIGN: a scene_id matches this. */
  public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  /** The folder holding every scene. */
  public static final String SCENES_FOLDER = "scenes/";

  private SceneIds() {}

  public static boolean isValid(String sceneId) {
    return sceneId != null && PATTERN.matcher(sceneId).matches();
  }

  /** {@code scenes/<scene_id>/}, for an id already known to be valid. */
  public static String folder(String sceneId) {
    return SCENES_FOLDER + sceneId + "/";
  }
}
