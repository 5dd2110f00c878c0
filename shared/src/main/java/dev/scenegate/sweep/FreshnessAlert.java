package dev.scenegate.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.AlertKind;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.fleet.Deadlines;
import dev.scenegate.pipeline.MarkerRef;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.scene.Stage;
import dev.scenegate.verify.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code freshness} alert (DESIGN: Sweeps, freshness, audit): a stage {@code running} or {@code
 * waiting} past its deadline. Beside the common fields it carries {@code stage}, {@code status},
 * {@code since}, {@code waiting_for} (only when waiting), {@code marker} {@code {object,
 * generation}}, an empty {@code failures} list and the remediation. Its {@code alert_id} is a
 * stable hash of the scene's bucket, the stage and its marker generation: the same stale stage is
 * the same alert, whoever raises it.
 */
public final class FreshnessAlert {
  public static final String SEVERITY = "warning";

  private FreshnessAlert() {}

  /** A stale stage, as the freshness check found it in the scene's state. */
  public record StaleStage(
      String sceneId,
      String bucket,
      Stage stage,
      StageStatus status,
      String since,
      MarkerRef marker,
      Stage waitingFor,
      StageStatus prerequisiteStatus,
      Duration deadline) {}

  /** The fields DESIGN adds for this kind, in its order. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  private record Fields(
      String stage, String status, String since, String waitingFor, MarkerRef marker) {}

  /** {@code alert_id}: one per bucket, scene, stage and marker generation. */
  public static String alertId(String bucket, String stage, MarkerRef marker) {
    String key = "freshness|" + marker.key(bucket) + "|" + stage;
    return "freshness-" + Sha256.hex(key.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
  }

  public static ChecksumAlert of(StaleStage stale, Instant occurredAt) {
    String stage = stale.stage().wireName();
    ObjectNode extra =
        EventJson.MAPPER.valueToTree(
            new Fields(
                stage,
                stale.status().wireName(),
                stale.since(),
                stale.status() == StageStatus.WAITING && stale.waitingFor() != null
                    ? stale.waitingFor().wireName()
                    : null,
                stale.marker()));
    return new ChecksumAlert(
        alertId(stale.bucket(), stage, stale.marker()),
        AlertKind.FRESHNESS.wireName(),
        SEVERITY,
        stale.sceneId(),
        stale.bucket(),
        null,
        List.of(),
        remediation(stale),
        occurredAt.toString(),
        extra);
  }

  /** What to do, in order: look at what it waits for, make it arrive, or change the deadline. */
  static List<String> remediation(StaleStage stale) {
    List<String> steps = new ArrayList<>();
    String scene = stale.sceneId();
    Stage stage = stale.stage();
    String deadline = stale.deadline() == null ? "its deadline" : stale.deadline().toString();
    if (stale.status() == StageStatus.RUNNING) {
      String complete = decidingMarker(stage, scene);
      if (stage == Stage.GENIESIM_EXPORT) {
        steps.add(
            "Check the Genie Sim job submitted for scene "
                + scene
                + " ("
                + stale.marker().object()
                + "): is it still running, failed, or lost? Its job description is "
                + Stage.scenePrefix(scene)
                + "geniesim/job.json.");
      } else {
        steps.add("Check the job of stage " + stage.wireName() + " for scene " + scene + ".");
      }
      steps.add(
          "When the job has finished, upload "
              + complete
              + " with its outputs so the stage is decided; if the job failed or was lost,"
              + " re-submit it (a new generation of "
              + stale.marker().object()
              + " re-arms this alert).");
      steps.add(
          "If "
              + complete
              + " was uploaded but the stage did not move, its event was lost: run `scenegate"
              + " reconcile` for the bucket (the scheduled sweep does so every interval).");
    } else {
      Stage prerequisite = stale.waitingFor();
      String name = prerequisite == null ? "its prerequisite" : prerequisite.wireName();
      String status =
          stale.prerequisiteStatus() == null
              ? ""
              : " (now " + stale.prerequisiteStatus().wireName() + ")";
      String marker = prerequisite == null ? "its marker" : decidingMarker(prerequisite, scene);
      steps.add(
          "Stage "
              + stage.wireName()
              + " waits for "
              + name
              + status
              + ": "
              + (stale.prerequisiteStatus() == StageStatus.FAILED
                  ? "fix that failure first (see its .failed marker and alert), then re-run its job."
                  : "make "
                      + marker
                      + " arrive: re-run or finish the upstream job of "
                      + name
                      + "."));
      steps.add(
          "If "
              + marker
              + " was uploaded but "
              + name
              + " did not move, its event was lost: run `scenegate reconcile` for the bucket"
              + " (the scheduled sweep does so every interval).");
    }
    steps.add(
        "If "
            + deadline
            + " is too short for "
            + stage.wireName()
            + ", set "
            + Deadlines.variable(stage)
            + " (an ISO-8601 duration, e.g. PT12H); a new generation of the stage's marker re-arms"
            + " this alert.");
    return steps;
  }

  /** The marker that decides {@code stage} (for Genie Sim export, the complete, not the submit). */
  private static String decidingMarker(Stage stage, String sceneId) {
    for (String marker : stage.markers()) {
      if (!stage.isRunningMarker(marker)) {
        return stage.markerObject(sceneId, marker);
      }
    }
    return stage.markerObject(sceneId, stage.markers().get(0));
  }
}
