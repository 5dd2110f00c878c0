package dev.scenegate.sweep;

import dev.scenegate.logging.JsonLog;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.MarkerRef;
import dev.scenegate.pipeline.SceneMachine;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.pipeline.Trigger;
import dev.scenegate.pipeline.Verdict;
import dev.scenegate.scene.SceneIds;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code redrive} (DESIGN "Sweeps"): evaluates one stage again from its current marker, after a
 * remediation that did not re-upload the marker (an asset restored in place). It goes through the
 * same {@link MarkerHandler} as a delivery, under a new cause ({@link Trigger#redrive}), so it
 * publishes under new event ids, and the stages that depend on it follow as they would.
 */
public final class Redriver {
  private static final JsonLog LOG = JsonLog.get(Redriver.class);

  private final ObjectStore data;
  private final MarkerHandler handler;

  public Redriver(ObjectStore data, MarkerHandler handler) {
    this.data = data;
    this.handler = handler;
  }

  /** The stage has no marker in the bucket: there is nothing to evaluate it from. */
  public static final class NoMarkerException extends Exception {
    NoMarkerException(String message) {
      super(message);
    }
  }

  /**
   * What the redrive did: its cause, the marker evaluated, the stage's status and the verdict
   * afterwards, and the status changes it made (dependents and verdict included).
   */
  public record Redrive(
      String sceneId,
      Stage stage,
      String cause,
      MarkerRef marker,
      StageStatus status,
      Verdict verdict,
      List<SceneMachine.Change> changes) {
    /** DESIGN: the command exits 0 when the stage ends passed or skipped. */
    public boolean satisfied() {
      return status.satisfies();
    }
  }

  /**
   * Re-evaluates {@code stage} of {@code sceneId}. A state that cannot be read back is a {@link
   * SceneState.StateCorruptException} and is left as it is.
   */
  public Redrive redrive(String sceneId, Stage stage) throws IOException, NoMarkerException {
    if (!SceneIds.isValid(sceneId)) {
      throw new IllegalArgumentException("invalid scene id '" + sceneId + "'");
    }
    SceneStateStore states = handler.stateStore(data.bucket());
    states.inspect(sceneId); // unreadable: reported, not set aside by the handler
    MarkerRef marker = currentMarker(sceneId, stage);
    Trigger trigger = Trigger.redrive(data.bucket(), marker.object(), marker.generation());
    LOG.notice(
        "redrive",
        "scene_id",
        sceneId,
        "stage",
        stage.wireName(),
        "cause",
        trigger.key(),
        "object",
        marker.object(),
        "generation",
        Long.toString(marker.generation()));
    MarkerHandler.Result result = handler.handle(trigger);
    SceneState after =
        states
            .inspect(sceneId)
            .map(SceneStateStore.Loaded::state)
            .orElseThrow(() -> new IOException("scene " + sceneId + " has no state after redrive"));
    StageStatus status = after.stage(stage).status();
    LOG.notice(
        "redrive finished",
        "scene_id",
        sceneId,
        "stage",
        stage.wireName(),
        "cause",
        trigger.key(),
        "status",
        status.wireName(),
        "verdict",
        after.verdict().wireName());
    return new Redrive(
        sceneId, stage, trigger.key(), marker, status, after.verdict(), result.changes());
  }

  /** The marker that decides the stage now, as the bucket holds it ({@link Stage}'s rule). */
  private MarkerRef currentMarker(String sceneId, Stage stage)
      throws IOException, NoMarkerException {
    Map<String, Long> present = new HashMap<>();
    for (String relative : stage.markers()) {
      String object = stage.markerObject(sceneId, relative);
      Optional<ObjectInfo> info = data.stat(object);
      info.ifPresent(i -> present.put(object, i.generation()));
    }
    Optional<String> deciding = stage.decidingObject(sceneId, present);
    if (deciding.isEmpty()) {
      throw new NoMarkerException(
          "stage "
              + stage.wireName()
              + " of scene "
              + sceneId
              + " has no marker in "
              + data.describe(Stage.scenePrefix(sceneId))
              + " (expected "
              + String.join(" or ", stage.markers())
              + ")");
    }
    return MarkerRef.of(deciding.get(), present.get(deciding.get()));
  }
}
