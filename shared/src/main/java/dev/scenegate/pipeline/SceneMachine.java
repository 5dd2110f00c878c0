package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.StageEvent;
import dev.scenegate.scene.SceneConfig;
import dev.scenegate.scene.Stage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-scene state machine: a pure decision over a state, one trigger and facts gathered
 * beforehand (the scene config and marker evaluations). It does no I/O and changes nothing it is
 * given: it either {@link Needs needs} an evaluation (the caller evaluates outside the
 * compare-and-set loop and calls again with the same state), or returns the {@link Applied new
 * state} with the {@link Effect effects} to carry out.
 *
 * <p>Every stage's status is recomputed from what the state knows (newest generation of each
 * marker, prerequisite statuses, the evaluation of the deciding marker) in {@link Stage}'s order,
 * by {@link Stage}'s rule, so the final state depends only on the set of triggers delivered, never
 * on their order.
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

  /**
   * The state after the trigger; {@code changes} lists the transitions (verdict last), {@code
   * effects} what to record in the outbox and carry out.
   */
  public record Applied(SceneState state, List<Change> changes, List<Effect> effects)
      implements Step {
    /** The kinds of the alerts raised. */
    public List<String> alertKinds() {
      return effects.stream()
          .filter(e -> e instanceof Effect.RaiseAlert)
          .map(e -> ((Effect.RaiseAlert) e).alert().kind())
          .toList();
    }
  }

  /** What a stage should be now. */
  private record Target(
      StageStatus status, MarkerRef trigger, Evaluation evaluation, ObjectNode details) {}

  /** Applies {@code trigger} (a marker of {@code route}) to {@code state}. */
  public static Step apply(
      SceneState state,
      Trigger trigger,
      MarkerRoute route,
      SceneConfig config,
      Map<Need, Evaluation> evaluations,
      Instant now) {
    if (state.hasProcessed(trigger.key())) {
      return new Duplicate();
    }
    String bucket = state.bucket() == null ? trigger.bucket() : state.bucket();
    SceneConfig sceneConfig = config != null ? config : state.config();
    Map<Stage, StageRecord> records = new EnumMap<>(Stage.class);
    for (Stage stage : Stage.values()) {
      records.put(stage, state.stage(stage));
    }
    records.compute(route.stage(), (s, r) -> r.withMarker(trigger.object(), trigger.generation()));

    Map<Stage, Target> targets = new EnumMap<>(Stage.class);
    Set<Need> needs = new LinkedHashSet<>();
    // An operator's redrive evaluates its stage again, whatever the state recorded for the marker.
    Stage redriven = trigger.redriven() ? route.stage() : null;
    for (Stage stage : Stage.values()) {
      Target target =
          target(
              stage,
              state.sceneId(),
              records.get(stage),
              sceneConfig,
              targets,
              evaluations,
              needs,
              stage == redriven);
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
    List<Effect> effects = new ArrayList<>();
    for (Stage stage : Stage.values()) {
      Target target = targets.get(stage);
      StageRecord record = records.get(stage);
      if (target.evaluation() != null) {
        record = record.withOutcome(target.evaluation());
      }
      boolean redecided = stage == redriven && target.evaluation() != null;
      if (record.status() == target.status()
          && equalsRef(record.trigger(), target.trigger())
          && !redecided) {
        if (stage == route.stage() && lateRunningMarker(stage, route, record)) {
          // DESIGN (Genie Sim export): kept in the history, changes no status, publishes nothing.
          record =
              record.noted(
                  new Transition(
                      record.status().wireName(),
                      record.status().wireName(),
                      MarkerRef.of(trigger.object(), trigger.generation()),
                      cause,
                      at,
                      route.relativeMarker()
                          + " after a decided "
                          + record
                              .trigger()
                              .object()
                              .substring(record.trigger().object().lastIndexOf('/') + 1)
                          + ": kept in the history, changes no status"));
        }
        records.put(stage, record);
        continue;
      }
      StageStatus from = record.status();
      StageStatus to = target.status();
      String reason = target.details().path("reason").asText(null);
      record =
          record.moved(
              to,
              target.trigger(),
              target.details(),
              at,
              new Transition(from.wireName(), to.wireName(), target.trigger(), cause, at, reason));
      records.put(stage, record);
      // DESIGN (event ids): publish what changes a status or decides a stage (a marker generation
      // evaluated to passed or failed, also when the status stays); a stage that only moves to a
      // newer marker without either (waiting -> waiting) publishes nothing.
      boolean decides = to.decided() && target.evaluation() != null;
      if (from == to && !decides) {
        continue;
      }
      String failedObject = stage.failedMarker(state.sceneId());
      if (from == StageStatus.FAILED && to != StageStatus.FAILED) {
        // Remediated (or re-opened): the .failed marker no longer tells the truth.
        effects.add(
            new Effect.ClearFailed(
                StagePayloads.effectId(
                    "clear", bucket, target.trigger(), stage.wireName(), to.wireName()),
                failedObject,
                stage.wireName()));
      }
      if (to == StageStatus.FAILED) {
        effects.add(
            new Effect.WriteFailed(
                StagePayloads.effectId(
                    "failed", bucket, target.trigger(), stage.wireName(), "failed"),
                failedObject,
                stage.wireName(),
                StagePayloads.failedMarker(
                    state.sceneId(),
                    stage,
                    target.evaluation(),
                    target.details(),
                    target.trigger(),
                    at)));
      }
      String eventId = null;
      if (to != StageStatus.PENDING) {
        eventId = eventId(cause, stage.wireName(), to.wireName());
        effects.add(
            new Effect.PublishEvent(
                eventId,
                new StageEvent(
                    eventId,
                    state.sceneId(),
                    stage.wireName(),
                    to.wireName(),
                    from.wireName(),
                    bucket,
                    target.trigger() == null ? null : target.trigger().object(),
                    target.trigger() == null ? null : Long.toString(target.trigger().generation()),
                    at,
                    target.details().deepCopy())));
      }
      if (to == StageStatus.FAILED && target.evaluation() != null) {
        ChecksumAlert alert =
            StagePayloads.alert(
                state.sceneId(), bucket, stage, target.evaluation(), target.trigger(), eventId, at);
        effects.add(new Effect.RaiseAlert(alert.alertId(), alert));
      }
      changes.add(new Change(stage, from.wireName(), to.wireName(), target.trigger(), eventId));
    }

    Map<String, StageRecord> stages = new LinkedHashMap<>();
    records.forEach((stage, record) -> stages.put(stage.wireName(), record));
    E2eRecord e2e = state.e2e();
    Verdict verdict = verdict(records);
    if (verdict != e2e.verdict()) {
      Verdict from = e2e.verdict();
      MarkerRef ref = MarkerRef.of(trigger.object(), trigger.generation());
      e2e =
          e2e.moved(
              verdict,
              trigger.bucket(),
              ref,
              at,
              new Transition(from.wireName(), verdict.wireName(), ref, cause, at, null));
      String eventId = null;
      if (verdict != Verdict.PENDING) {
        eventId = eventId(cause, E2E, verdict.wireName());
        ObjectNode details = EventJson.MAPPER.createObjectNode();
        ObjectNode statuses = details.putObject("stages");
        records.forEach(
            (stage, record) -> statuses.put(stage.wireName(), record.status().wireName()));
        effects.add(
            new Effect.PublishEvent(
                eventId,
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
                    details)));
      }
      changes.add(new Change(null, from.wireName(), verdict.wireName(), ref, eventId));
    }
    SceneState next =
        new SceneState(
            state.schemaVersion(),
            state.sceneId(),
            bucket,
            at,
            sceneConfig,
            e2e,
            stages,
            SceneState.markProcessed(state.processed(), trigger.key()),
            state.outbox());
    return new Applied(next, List.copyOf(changes), List.copyOf(effects));
  }

  /**
   * {@code passed} when every stage passed or was skipped, {@code failed} as soon as one failed.
   */
  public static Verdict verdict(SceneState state) {
    Map<Stage, StageRecord> records = new EnumMap<>(Stage.class);
    for (Stage stage : Stage.values()) {
      records.put(stage, state.stage(stage));
    }
    return verdict(records);
  }

  private static Verdict verdict(Map<Stage, StageRecord> records) {
    boolean allSatisfied = true;
    boolean allPending = true;
    for (StageRecord record : records.values()) {
      StageStatus status = record.status();
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

  /** A running marker delivered after the stage's deciding marker decided it. */
  private static boolean lateRunningMarker(Stage stage, MarkerRoute route, StageRecord record) {
    return stage.isRunningMarker(route.relativeMarker())
        && record.status().decided()
        && record.trigger() != null
        && !record.trigger().object().equals(route.object());
  }

  /** Null when the target depends on an evaluation not yet available (recorded in needs). */
  private static Target target(
      Stage stage,
      String sceneId,
      StageRecord record,
      SceneConfig config,
      Map<Stage, Target> targets,
      Map<Need, Evaluation> evaluations,
      Set<Need> needs,
      boolean reevaluate) {
    Target target = decide(stage, sceneId, record, config, targets, evaluations, needs, reevaluate);
    if (target != null && stage.geniesim() && config != null && !config.valid()) {
      // DESIGN: an invalid config is reported by the Genie Sim stages' events, which it keeps.
      target.details().put("config_problem", config.object() + ": " + config.problem());
    }
    return target;
  }

  private static Target decide(
      Stage stage,
      String sceneId,
      StageRecord record,
      SceneConfig config,
      Map<Stage, Target> targets,
      Map<Need, Evaluation> evaluations,
      Set<Need> needs,
      boolean reevaluate) {
    if (stage.skippedBy(config)) {
      return new Target(
          StageStatus.SKIPPED,
          MarkerRef.of(config.object(), config.generation()),
          null,
          details("use_geniesim is false in " + config.object()));
    }
    MarkerRef marker = decidingMarker(stage, sceneId, record);
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
        ObjectNode details = details("waiting for " + prerequisite.wireName());
        details.put("waiting_for", prerequisite.wireName());
        details.put("prerequisite_status", before.status().wireName());
        return new Target(StageStatus.WAITING, marker, null, details);
      }
    }
    if (stage
        .runningMarker()
        .map(m -> stage.markerObject(sceneId, m))
        .orElse("")
        .equals(marker.object())) {
      return new Target(StageStatus.RUNNING, marker, null, details("Genie Sim job submitted"));
    }
    if (stage.check().kind() == Stage.Check.Kind.NOTHING) {
      return new Target(
          StageStatus.PASSED,
          marker,
          Evaluation.pass(marker, Evaluation.Kind.NONE, null, null),
          details(
              stage
                  .prerequisite()
                  .map(p -> "prerequisite " + p.wireName() + " passed")
                  .orElse("passed")));
    }
    Evaluation evaluation =
        !reevaluate && record.outcome() != null && marker.equals(record.outcome().marker())
            ? record.outcome()
            : evaluations.get(new Need(stage, marker));
    if (evaluation == null) {
      needs.add(new Need(stage, marker));
      return null;
    }
    ObjectNode details = evaluation.details().deepCopy();
    details.put("reason", evaluation.reason());
    if (evaluation.path() != null) {
      details.put(evaluation.pathKey(), evaluation.path());
    }
    return new Target(
        evaluation.passed() ? StageStatus.PASSED : StageStatus.FAILED, marker, evaluation, details);
  }

  private static ObjectNode details(String reason) {
    ObjectNode details = EventJson.MAPPER.createObjectNode();
    details.put("reason", reason);
    return details;
  }

  /**
   * The marker that decides a stage (see {@link Stage#decidingObject}), at its newest generation.
   */
  static MarkerRef decidingMarker(Stage stage, String sceneId, StageRecord record) {
    return stage
        .decidingObject(sceneId, record.markers())
        .map(object -> MarkerRef.of(object, record.markers().get(object)))
        .orElse(null);
  }

  /**
   * DESIGN (rules for event_id): a stable hash of the cause (the idempotency key of the delivery
   * that made the transition), the stage and the status. A redelivery of the same cause gets the
   * same id; a different cause a new one, also when stage and status repeat.
   */
  public static String eventId(String cause, String stage, String status) {
    return StagePayloads.eventId(cause, stage, status);
  }

  private static boolean equalsRef(MarkerRef a, MarkerRef b) {
    return a == null ? b == null : a.equals(b);
  }
}
