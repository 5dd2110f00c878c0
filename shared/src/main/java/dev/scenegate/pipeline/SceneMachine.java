package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.StageEvent;
import dev.scenegate.scene.SceneConfig;
import dev.scenegate.scene.Stage;
import dev.scenegate.verify.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-scene state machine, as a pure function of a state, one trigger and facts gathered
 * beforehand (the scene config and marker evaluations). It does no I/O: when it needs an evaluation
 * it does not have, it says so ({@link Needs}) and the caller evaluates outside the compare-and-set
 * loop and calls again.
 *
 * <p>Every stage's status is recomputed from what the state knows (newest generation of each
 * marker, prerequisite statuses, the evaluation of the deciding marker), in topological order, so
 * the final state depends only on the set of triggers delivered, never on their order.
 */
public final class SceneMachine {

  /** The stage name events use for the end-to-end verdict. */
  public static final String E2E = "e2e";

  private SceneMachine() {}

  /** An evaluation the machine needs: one stage at one marker generation. */
  public record Need(Stage stage, MarkerRef marker) {}

  /** One status change of a stage (or of the verdict, with {@code stage} null). */
  public record Change(Stage stage, String from, String to, MarkerRef trigger, String eventId) {}

  public sealed interface Step permits Duplicate, Needs, Applied {}

  /** The trigger was processed before: nothing changes, nothing new is published. */
  public record Duplicate() implements Step {}

  /** Evaluate these (outside the CAS loop) and call again. */
  public record Needs(List<Need> needs) implements Step {}

  /** The state was updated in place; {@code changes} lists the transitions, verdict last. */
  public record Applied(List<Change> changes, List<String> alertKinds) implements Step {}

  /** What a stage should be now. */
  private record Target(
      StageStatus status, MarkerRef trigger, Evaluation evaluation, ObjectNode details) {}

  /**
   * Applies {@code trigger} (a marker of {@code route}) to {@code state}, in place when it returns
   * {@link Applied}. On {@link Needs} or {@link Duplicate} the caller must discard {@code state}.
   */
  public static Step apply(
      SceneState state,
      Trigger trigger,
      MarkerRoute route,
      SceneConfig config,
      Map<Need, Evaluation> evaluations,
      Instant now) {
    if (state.processed().contains(trigger.key())) {
      return new Duplicate();
    }
    if (state.bucket == null) {
      state.bucket = trigger.bucket();
    }
    state.stage(route.stage()).markers.merge(trigger.object(), trigger.generation(), Math::max);
    state.markProcessed(trigger.key());
    if (config != null) {
      state.config = config;
    }

    Map<Stage, Target> targets = new EnumMap<>(Stage.class);
    Set<Need> needs = new LinkedHashSet<>();
    for (Stage stage : Stage.values()) {
      Target target = target(stage, state, targets, evaluations, needs);
      if (target != null && stage.geniesim() && state.config != null && !state.config.valid()) {
        // DESIGN: an invalid config is reported by the Genie Sim stages' events, which it keeps.
        target
            .details()
            .put("config_problem", state.config.object() + ": " + state.config.problem());
      }
      if (target != null) {
        targets.put(stage, target);
      }
    }
    if (!needs.isEmpty()) {
      return new Needs(List.copyOf(needs));
    }

    String at = now.toString();
    String cause = trigger.key();
    List<Change> changes = new ArrayList<>();
    List<String> alerts = new ArrayList<>();
    for (Stage stage : Stage.values()) {
      Target target = targets.get(stage);
      StageRecord record = state.stage(stage);
      if (target.evaluation() != null) {
        record.outcome = target.evaluation();
      }
      boolean same =
          record.status == target.status() && equalsRef(record.trigger, target.trigger());
      if (same) {
        if (stage == route.stage()
            && stage.isRunningMarker(route.relativeMarker())
            && record.trigger != null
            && !record.trigger.object().equals(trigger.object())
            && (record.status == StageStatus.PASSED || record.status == StageStatus.FAILED)) {
          // DESIGN (Genie Sim export): kept in the history, changes no status, publishes nothing.
          record.addHistory(
              new Transition(
                  record.status.wireName(),
                  record.status.wireName(),
                  MarkerRef.of(trigger.object(), trigger.generation()),
                  cause,
                  at,
                  "submitted after a decided "
                      + record
                          .trigger
                          .object()
                          .substring(record.trigger.object().lastIndexOf('/') + 1)
                      + ": kept in the history, changes no status"));
        }
        continue;
      }
      StageStatus from = record.status;
      record.status = target.status();
      record.trigger = target.trigger();
      record.details = target.details();
      record.updatedAt = at;
      String reason = target.details().path("reason").asText(null);
      record.addHistory(
          new Transition(
              from.wireName(), target.status().wireName(), target.trigger(), cause, at, reason));
      String eventId = null;
      if (from == StageStatus.FAILED && target.status() != StageStatus.FAILED) {
        // Remediated (or re-opened): the .failed marker no longer tells the truth.
        state.addOutbox(
            OutboxEntry.clearFailed(
                id("clear", state, target.trigger(), stage.wireName(), target.status().wireName()),
                stage.failedMarker(state.sceneId()),
                stage.wireName()));
      }
      if (target.status() == StageStatus.FAILED) {
        state.addOutbox(
            OutboxEntry.writeFailed(
                id("failed", state, target.trigger(), stage.wireName(), "failed"),
                stage.failedMarker(state.sceneId()),
                stage.wireName(),
                failedMarker(state, stage, target, at)));
      }
      if (target.status() != StageStatus.PENDING) {
        eventId =
            eventId(state.bucket, target.trigger(), stage.wireName(), target.status().wireName());
        StageEvent event =
            new StageEvent(
                eventId,
                state.sceneId(),
                stage.wireName(),
                target.status().wireName(),
                from.wireName(),
                state.bucket,
                target.trigger() == null ? null : target.trigger().object(),
                target.trigger() == null ? null : Long.toString(target.trigger().generation()),
                at,
                target.details().deepCopy());
        addPublish(state, eventId, event.toMessage(), event.toJson());
      }
      if (target.status() == StageStatus.FAILED && target.evaluation() != null) {
        ChecksumAlert alert = alert(state, stage, target, eventId, at);
        addPublish(state, alert.alertId(), alert.toMessage(), alert.toJson());
        alerts.add(alert.kind());
      }
      changes.add(
          new Change(
              stage, from.wireName(), target.status().wireName(), target.trigger(), eventId));
    }

    Verdict verdict = verdict(state);
    if (verdict != state.verdict) {
      Verdict from = state.verdict;
      MarkerRef ref = MarkerRef.of(trigger.object(), trigger.generation());
      state.verdict = verdict;
      state.verdictTrigger = ref;
      state.verdictBucket = trigger.bucket();
      state.verdictUpdatedAt = at;
      state.addE2eHistory(
          new Transition(from.wireName(), verdict.wireName(), ref, cause, at, null));
      String eventId = null;
      if (verdict != Verdict.PENDING) {
        eventId = eventId(trigger.bucket(), ref, E2E, verdict.wireName());
        ObjectNode details = EventJson.MAPPER.createObjectNode();
        ObjectNode stages = details.putObject("stages");
        for (Stage stage : Stage.values()) {
          stages.put(stage.wireName(), state.stage(stage).status.wireName());
        }
        StageEvent event =
            new StageEvent(
                eventId,
                state.sceneId(),
                E2E,
                verdict.wireName(),
                from.wireName(),
                trigger.bucket(),
                trigger.object(),
                Long.toString(trigger.generation()),
                at,
                details);
        addPublish(state, eventId, event.toMessage(), event.toJson());
      }
      changes.add(new Change(null, from.wireName(), verdict.wireName(), ref, eventId));
    }
    state.updatedAt = at;
    return new Applied(changes, alerts);
  }

  /**
   * {@code passed} when every stage passed or was skipped, {@code failed} as soon as one failed.
   */
  public static Verdict verdict(SceneState state) {
    boolean allSatisfied = true;
    boolean allPending = true;
    for (Stage stage : Stage.values()) {
      StageStatus status = state.stage(stage).status;
      if (status == StageStatus.FAILED) {
        return Verdict.FAILED;
      }
      allSatisfied &= status.satisfies();
      allPending &= status == StageStatus.PENDING;
    }
    if (allSatisfied) {
      return Verdict.PASSED;
    }
    return allPending ? Verdict.PENDING : Verdict.RUNNING;
  }

  /** Null when the target depends on an evaluation not yet available (recorded in needs). */
  private static Target target(
      Stage stage,
      SceneState state,
      Map<Stage, Target> targets,
      Map<Need, Evaluation> evaluations,
      Set<Need> needs) {
    StageRecord record = state.stage(stage);
    SceneConfig config = state.config;
    if (stage.skippedBy(config)) {
      ObjectNode details = EventJson.MAPPER.createObjectNode();
      details.put("reason", "use_geniesim is false in " + config.object());
      return new Target(
          StageStatus.SKIPPED, MarkerRef.of(config.object(), config.generation()), null, details);
    }
    MarkerRef marker = decidingMarker(stage, state.sceneId(), record);
    if (marker == null) {
      return new Target(StageStatus.PENDING, null, null, EventJson.MAPPER.createObjectNode());
    }
    if (stage.prerequisite().isPresent()) {
      Stage prerequisite = stage.prerequisite().get();
      Target before = targets.get(prerequisite);
      if (before == null) {
        return null; // the prerequisite itself waits for an evaluation
      }
      if (!before.status().satisfies()) {
        ObjectNode details = EventJson.MAPPER.createObjectNode();
        details.put("reason", "waiting for " + prerequisite.wireName());
        details.put("waiting_for", prerequisite.wireName());
        details.put("prerequisite_status", before.status().wireName());
        return new Target(StageStatus.WAITING, marker, null, details);
      }
    }
    if (stage
        .runningMarker()
        .map(m -> stage.markerObject(state.sceneId(), m))
        .orElse("")
        .equals(marker.object())) {
      ObjectNode details = EventJson.MAPPER.createObjectNode();
      details.put("reason", "Genie Sim job submitted");
      return new Target(StageStatus.RUNNING, marker, null, details);
    }
    if (stage.check().kind() == Stage.Check.Kind.NOTHING) {
      ObjectNode details = EventJson.MAPPER.createObjectNode();
      details.put(
          "reason",
          stage
              .prerequisite()
              .map(p -> "prerequisite " + p.wireName() + " passed")
              .orElse("passed"));
      return new Target(
          StageStatus.PASSED,
          marker,
          Evaluation.pass(marker, Evaluation.NONE, null, null),
          details);
    }
    Evaluation evaluation =
        record.outcome != null && marker.equals(record.outcome.marker())
            ? record.outcome
            : evaluations.get(new Need(stage, marker));
    if (evaluation == null) {
      needs.add(new Need(stage, marker));
      return null;
    }
    ObjectNode details = evaluation.details().deepCopy();
    details.put("reason", evaluation.reason());
    if (evaluation.path() != null) {
      details.put(
          evaluation.kind().equals(Evaluation.CHECKSUM) ? "manifest" : "report", evaluation.path());
    }
    return new Target(
        evaluation.passed() ? StageStatus.PASSED : StageStatus.FAILED, marker, evaluation, details);
  }

  /**
   * The marker that decides a stage (see {@link Stage#decidingObject}), at its newest generation.
   */
  static MarkerRef decidingMarker(Stage stage, String sceneId, StageRecord record) {
    return stage
        .decidingObject(sceneId, record.markers)
        .map(object -> MarkerRef.of(object, record.markers.get(object)))
        .orElse(null);
  }

  private static ObjectNode failedMarker(SceneState state, Stage stage, Target target, String at) {
    ObjectNode node = EventJson.MAPPER.createObjectNode();
    node.put("stage", stage.wireName());
    node.put("scene_id", state.sceneId());
    Evaluation e = target.evaluation();
    node.put("reason", e == null ? target.details().path("reason").asText() : e.reason());
    node.put(
        e != null && Evaluation.CHECKSUM.equals(e.kind()) ? "manifest" : "report",
        e == null ? null : e.path());
    node.put("marker", target.trigger().object());
    node.put("marker_generation", Long.toString(target.trigger().generation()));
    node.put("failed_at", at);
    return node;
  }

  private static ChecksumAlert alert(
      SceneState state, Stage stage, Target target, String eventId, String at) {
    Evaluation e = target.evaluation();
    boolean checksum = Evaluation.CHECKSUM.equals(e.kind());
    String kind = checksum ? "checksum_failure" : "gate_failure";
    List<String> remediation =
        checksum
            ? ChecksumAlert.REMEDIATION
            : List.of(
                "Inspect " + e.path() + ": " + e.reason(),
                "Fix the upstream job (no mock capture, real PhysX, thresholds of the runbook) and"
                    + " re-run it; a new generation of "
                    + target.trigger().object()
                    + " re-opens the stage.");
    ObjectNode extra = EventJson.MAPPER.createObjectNode();
    extra.put("stage", stage.wireName());
    extra.put("reason", e.reason());
    ObjectNode marker = extra.putObject("trigger");
    marker.put("object", target.trigger().object());
    marker.put("generation", Long.toString(target.trigger().generation()));
    extra.put("failures_total", e.failuresTotal());
    extra.put("stage_event_id", eventId);
    return new ChecksumAlert(
        id("alert", state, target.trigger(), stage.wireName(), kind),
        kind,
        "critical",
        state.sceneId(),
        state.bucket,
        e.path(),
        e.failures(),
        remediation,
        at,
        extra);
  }

  private static void addPublish(
      SceneState state, String id, dev.scenegate.events.OutboundMessage message, ObjectNode data) {
    state.addOutbox(OutboxEntry.publish(id, message, data));
  }

  /** DESIGN: the same trigger, stage and status always give the same event_id. */
  public static String eventId(String bucket, MarkerRef trigger, String stage, String status) {
    String key =
        (trigger == null ? bucket + "/-" : trigger.key(bucket)) + "|" + stage + "|" + status;
    return uuidLike(Sha256.hex(key.getBytes(StandardCharsets.UTF_8)));
  }

  private static String id(
      String what, SceneState state, MarkerRef trigger, String stage, String status) {
    return uuidLike(
        Sha256.hex(
            (what + "|" + trigger.key(state.bucket) + "|" + stage + "|" + status)
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

  private static boolean equalsRef(MarkerRef a, MarkerRef b) {
    return a == null ? b == null : a.equals(b);
  }
}
