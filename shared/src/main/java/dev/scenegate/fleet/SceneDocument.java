package dev.scenegate.fleet;

import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.pipeline.Verdict;
import dev.scenegate.scene.Stage;
import java.util.List;

/**
 * What the fleet view knows of one scene, taken from its state document by {@link StateDocuments}:
 * the verdict, every stage in runbook order and, for the scene page, the timeline, the failures and
 * the alerts. The view reads nothing else of the state, so a change of the document's layout is
 * absorbed in {@link StateDocuments} alone.
 */
public record SceneDocument(
    String sceneId,
    String bucket,
    Verdict verdict,
    String updatedAt,
    List<StageEntry> stages,
    List<TimelineEntry> timeline,
    List<RaisedAlert> alerts,
    int outboxPending) {

  public SceneDocument {
    stages = List.copyOf(stages);
    timeline = List.copyOf(timeline);
    alerts = List.copyOf(alerts);
  }

  /**
   * One stage: its status since {@code since} (the time of its last change, ISO-8601, null when it
   * never changed), the reason recorded with it, the stage it waits for, the marker that decided it
   * and, when failed, the failure.
   */
  public record StageEntry(
      Stage stage,
      StageStatus status,
      String since,
      String reason,
      String waitingFor,
      String markerObject,
      Long markerGeneration,
      Failure failure) {}

  /**
   * Why a stage failed: {@code kind} {@code checksum} or {@code gate}; {@code path} the manifest or
   * report; {@code files} the per-file differences kept in the state ({@code filesTotal} counts
   * them all); the remediation steps the alert carried.
   */
  public record Failure(
      String kind,
      String reason,
      String path,
      List<FileFailure> files,
      int filesTotal,
      List<String> remediation) {
    public Failure {
      files = List.copyOf(files);
      remediation = List.copyOf(remediation);
    }
  }

  /** One file of a failed checksum stage: expected and actual digest and size (null: unknown). */
  public record FileFailure(
      String path,
      String kind,
      String expectedSha256,
      String actualSha256,
      Long expectedSize,
      Long actualSize) {}

  /**
   * One transition of a stage or of the verdict ({@code stage} is then {@code e2e}): when, from
   * what to what, the delivery that caused it and the reason.
   */
  public record TimelineEntry(
      String at,
      String stage,
      String from,
      String to,
      String cause,
      String reason,
      String markerObject,
      Long markerGeneration) {}

  /**
   * An alert the scene raised: {@code kind} ({@code checksum_failure}, {@code gate_failure}, ...)
   * for {@code stage} at {@code at}; {@code confirmed} false while it still waits in the state's
   * outbox to be published.
   */
  public record RaisedAlert(
      String kind, String stage, String at, String alertId, boolean confirmed) {}
}
