package dev.scenegate.pipeline;

import dev.scenegate.events.EventPublisher;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.quality.QualityGates;
import dev.scenegate.scene.SceneConfig;
import dev.scenegate.storage.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns one finalized object into stage progress: routes it ({@link MarkerRoute}; no storage call
 * for non-markers), reads the scene's state ({@link SceneStateStore}) and config, asks the {@link
 * SceneMachine} what the trigger decides, evaluates what it needs ({@link StageEvaluator}) outside
 * the compare-and-set loop, records the new state with its effects in the {@link Outbox} in one
 * generation-preconditioned write (retried on conflict), then carries the outbox out.
 *
 * <p>Transient faults (storage errors, publish failures, conflicts beyond the budget) are thrown so
 * the platform retries; bad input has already become a failed stage by then.
 */
public final class MarkerHandler {
  private static final JsonLog LOG = JsonLog.get(MarkerHandler.class);

  /** How a delivery ended. */
  public enum DeliveryOutcome {
    /** Not a marker: nothing read, nothing written. */
    DISMISSED,
    /** A new trigger: the state was updated (possibly without a status change). */
    PROCESSED,
    /** Processed before: nothing changed; pending outbox entries were carried out. */
    DUPLICATE
  }

  public record Result(DeliveryOutcome outcome, String sceneId, List<SceneMachine.Change> changes) {
    static Result dismissed() {
      return new Result(DeliveryOutcome.DISMISSED, null, List.of());
    }
  }

  private final Function<String, ObjectStore> stores;
  private final MeterRegistry meters;
  private final PipelineMetrics metrics;
  private final MarkerConfig config;
  private final Clock clock;
  private final Outbox outbox;

  /**
   * @param stores the store of each bucket (the data bucket of an event, and the state bucket)
   */
  public MarkerHandler(
      Function<String, ObjectStore> stores,
      EventPublisher publisher,
      MeterRegistry meters,
      MarkerConfig config,
      Clock clock) {
    this.stores = stores;
    this.meters = meters;
    this.metrics = new PipelineMetrics(meters);
    this.config = config;
    this.clock = clock;
    this.outbox = new Outbox(stores, publisher, metrics);
  }

  /** For a single store acting as both data and state bucket (local mode, tests). */
  public MarkerHandler(
      ObjectStore store,
      EventPublisher publisher,
      MeterRegistry meters,
      MarkerConfig config,
      Clock clock) {
    this(bucket -> store, publisher, meters, config, clock);
  }

  public MarkerConfig config() {
    return config;
  }

  /** The state store used for scenes of {@code bucket}. */
  public SceneStateStore stateStore(String bucket) {
    String stateBucket = config.stateBucket() == null ? bucket : config.stateBucket();
    return new SceneStateStore(
        stores.apply(stateBucket), config.statePrefix(), config.conflictRetries());
  }

  public Result handle(Trigger trigger) throws IOException {
    Optional<MarkerRoute> route = MarkerRoute.parse(trigger.object());
    if (config.dataBucket() != null && !config.dataBucket().equals(trigger.bucket())) {
      route = Optional.empty(); // not the pipeline's bucket
    }
    if (route.isEmpty()) {
      countEvent("dismissed");
      LOG.debug("not a marker; dismissed", "object", trigger.object());
      return Result.dismissed();
    }
    try {
      Result result = process(trigger, route.get());
      countEvent(result.outcome().name().toLowerCase(Locale.ROOT));
      return result;
    } catch (IOException | RuntimeException e) {
      countEvent("failed");
      LOG.error(
          "marker not processed; the platform will retry",
          e,
          "scene_id",
          route.get().sceneId(),
          "stage",
          route.get().stage().wireName(),
          "object",
          trigger.object(),
          "generation",
          Long.toString(trigger.generation()));
      throw e;
    }
  }

  private Result process(Trigger trigger, MarkerRoute route) throws IOException {
    String sceneId = route.sceneId();
    SceneStateStore states = stateStore(trigger.bucket());
    ObjectStore data = stores.apply(trigger.bucket());
    StageEvaluator evaluator =
        new StageEvaluator(
            data, new QualityGates(data, config.thresholds()), config.verifyThreads(), metrics);
    // Kept across lost races: a conflict never re-reads the config or re-hashes anything.
    Map<SceneMachine.Need, Evaluation> evaluations = new HashMap<>();
    SceneConfig[] sceneConfig = {null};
    SceneStateStore.Updated<Decided> updated =
        states.update(
            sceneId,
            trigger.bucket(),
            metrics::conflict,
            current -> {
              if (current.state().hasProcessed(trigger.key())) {
                return new SceneStateStore.Decision<>(null, new Decided(current, null));
              }
              if (sceneConfig[0] == null) {
                sceneConfig[0] = evaluator.readConfig(sceneId, current.state().config());
              }
              while (true) {
                SceneMachine.Step step =
                    SceneMachine.apply(
                        current.state(),
                        trigger,
                        route,
                        sceneConfig[0],
                        evaluations,
                        clock.instant());
                if (step instanceof SceneMachine.Applied applied) {
                  SceneState next = Outbox.recorded(applied.state(), applied.effects());
                  return new SceneStateStore.Decision<>(next, new Decided(current, applied));
                }
                if (step instanceof SceneMachine.Needs needs) {
                  evaluate(evaluator, sceneId, needs, evaluations);
                  continue; // the machine changed nothing: apply again to the same state
                }
                return new SceneStateStore.Decision<>(null, new Decided(current, null));
              }
            });
    Decided decided = updated.result();
    if (decided.applied() == null) {
      return duplicate(trigger, route, states, decided.read());
    }
    record(trigger, route, decided.applied());
    SceneState written = Outbox.recorded(decided.applied().state(), decided.applied().effects());
    outbox.flush(states, new SceneStateStore.Loaded(written, updated.written()));
    return new Result(DeliveryOutcome.PROCESSED, sceneId, decided.applied().changes());
  }

  /** What the state update decided: the state read, and what the trigger applied (null: none). */
  private record Decided(SceneStateStore.Loaded read, SceneMachine.Applied applied) {}

  private static void evaluate(
      StageEvaluator evaluator,
      String sceneId,
      SceneMachine.Needs needs,
      Map<SceneMachine.Need, Evaluation> evaluations)
      throws IOException {
    for (SceneMachine.Need need : needs.needs()) {
      LOG.info(
          "evaluating",
          "scene_id",
          sceneId,
          "stage",
          need.stage().wireName(),
          "object",
          need.marker().object(),
          "generation",
          Long.toString(need.marker().generation()));
      evaluations.put(need, evaluator.evaluate(sceneId, need.stage(), need.marker()));
    }
  }

  private Result duplicate(
      Trigger trigger, MarkerRoute route, SceneStateStore states, SceneStateStore.Loaded loaded)
      throws IOException {
    LOG.info(
        "trigger already processed",
        "scene_id",
        route.sceneId(),
        "stage",
        route.stage().wireName(),
        "object",
        trigger.object(),
        "generation",
        Long.toString(trigger.generation()),
        "pending_outbox",
        loaded.state().outbox().size());
    outbox.flush(states, loaded);
    return new Result(DeliveryOutcome.DUPLICATE, route.sceneId(), List.of());
  }

  private void record(Trigger trigger, MarkerRoute route, SceneMachine.Applied applied) {
    for (SceneMachine.Change change : applied.changes()) {
      String stage = change.stage() == null ? SceneMachine.E2E : change.stage().wireName();
      metrics.transition(stage, change.to());
      LOG.info(
          "stage transition",
          "scene_id",
          route.sceneId(),
          "stage",
          stage,
          "status",
          change.to(),
          "previous_status",
          change.from(),
          "object",
          change.trigger() == null ? null : change.trigger().object(),
          "generation",
          change.trigger() == null ? null : Long.toString(change.trigger().generation()),
          "cause",
          trigger.key(),
          "event_id",
          change.eventId());
    }
    applied.alertKinds().forEach(metrics::alert);
  }

  /**
   * Counts one object event by outcome ({@code dismissed}, {@code processed}, {@code duplicate},
   * {@code failed}, {@code undecodable}); the function counts the events it drops before decoding
   * here too, so the meter is defined once.
   */
  public void countEvent(String outcome) {
    metrics.event(outcome);
  }
}
