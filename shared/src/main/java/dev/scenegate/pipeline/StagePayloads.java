package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.AlertKind;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.StageEvent;
import dev.scenegate.scene.Stage;
import dev.scenegate.verify.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the state machine's decisions carry: the {@code .failed} document, a stage's alert with its
 * remediation, and the stable ids of events and effects. Kept apart from {@link SceneMachine} so
 * the machine reads as its decision only.
 */
final class StagePayloads {
  private StagePayloads() {}

  static FailedMarker failedMarker(
      String sceneId, Stage stage, Evaluation e, ObjectNode details, MarkerRef trigger, String at) {
    boolean checksum = e != null && e.kind() == Evaluation.Kind.CHECKSUM;
    String path = e == null ? null : e.path();
    return new FailedMarker(
        stage.wireName(),
        sceneId,
        e == null ? details.path("reason").asText() : e.reason(),
        checksum ? path : null,
        checksum ? null : path,
        trigger.object(),
        Long.toString(trigger.generation()),
        at);
  }

  /** The context a stage alert carries beyond DESIGN's fields. */
  private record AlertContext(
      String stage,
      String reason,
      StageEvent.Trigger trigger,
      int failuresTotal,
      String stageEventId) {}

  static ChecksumAlert alert(
      String sceneId,
      String bucket,
      Stage stage,
      Evaluation e,
      MarkerRef trigger,
      String eventId,
      String at) {
    boolean checksum = e.kind() == Evaluation.Kind.CHECKSUM;
    AlertKind kind = checksum ? AlertKind.CHECKSUM_FAILURE : AlertKind.GATE_FAILURE;
    boolean tooLarge =
        StageEvaluator.TOO_LARGE_FOR_BUDGET.equals(e.details().path("error").asText(null));
    List<String> remediation =
        tooLarge
            ? List.of(
                "Raise VERIFY_BUDGET and the marker function's timeout so that the files named can"
                    + " be hashed within one delivery (details.too_large has each one's size and"
                    + " estimated time), or verify them with `scenegate verify --reuse`.",
                "Then re-write "
                    + trigger.object()
                    + " or run `scenegate redrive` for the stage; nothing already hashed is"
                    + " read again.")
            : checksum
                ? ChecksumAlert.REMEDIATION
                : List.of(
                    "Inspect " + e.path() + ": " + e.reason(),
                    "Fix the upstream job (no mock capture, real PhysX, thresholds of the runbook) and"
                        + " re-run it; a new generation of "
                        + trigger.object()
                        + " re-opens the stage.");
    ObjectNode extra =
        EventJson.MAPPER.valueToTree(
            new AlertContext(
                stage.wireName(),
                e.reason(),
                new StageEvent.Trigger(trigger.object(), Long.toString(trigger.generation())),
                e.failuresTotal(),
                eventId));
    return new ChecksumAlert(
        effectId("alert", bucket, trigger, stage.wireName(), kind.wireName()),
        kind.wireName(),
        "critical",
        sceneId,
        bucket,
        e.path(),
        e.failures(),
        remediation,
        at,
        extra);
  }

  /**
   * DESIGN (rules for event_id): a stable hash of the cause (the idempotency key of the delivery
   * that made the transition), the stage and the status. A redelivery of the same cause gets the
   * same id; a different cause a new one, also when stage and status repeat.
   */
  static String eventId(String cause, String stage, String status) {
    return uuidLike(
        Sha256.hex(
            ("event|" + cause + "|" + stage + "|" + status).getBytes(StandardCharsets.UTF_8)));
  }

  static String effectId(
      String what, String bucket, MarkerRef trigger, String stage, String status) {
    return uuidLike(
        Sha256.hex(
            (what + "|" + trigger.key(bucket) + "|" + stage + "|" + status)
                .getBytes(StandardCharsets.UTF_8)));
  }

  private static String uuidLike(String hex) {
    return hex.substring(0, 8)
        + "-"
        + hex.substring(8, 12)
        + "-"
        + hex.substring(12, 16)
        + "-"
        + hex.substring(16, 20)
        + "-"
        + hex.substring(20, 32);
  }
}
