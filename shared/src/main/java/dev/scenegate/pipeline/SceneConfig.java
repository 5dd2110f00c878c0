package dev.scenegate.pipeline;

import dev.scenegate.scene.Stage;

/**
 * What {@code scenes/<scene_id>/config.json} says about the scene. Absent or unreadable means the
 * runbook's default: Genie Sim is used. {@code generation} is 0 when there is no config object;
 * {@code problem} says why a present file was not understood (null when it was).
 */
public record SceneConfig(String object, long generation, boolean useGeniesim, String problem) {

  public static SceneConfig absent(String sceneId) {
    return new SceneConfig(Stage.scenePrefix(sceneId) + Stage.CONFIG, 0, true, null);
  }

  public MarkerRef ref() {
    return MarkerRef.of(object, generation);
  }
}
