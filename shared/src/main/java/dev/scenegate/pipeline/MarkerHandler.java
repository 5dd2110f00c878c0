package dev.scenegate.pipeline;

import dev.scenegate.events.EventPublisher;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.quality.QualityGates;
import dev.scenegate.scene.SceneConfig;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.PreconditionFailedException;
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
  private final StateConflicts conflicts;
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
    this.conflicts = new StateConflicts(config.conflictRetries(), metrics);
    this.outbox = new Outbox(stores, publisher, metrics, conflicts);
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
    return new SceneStateStore(stores.apply(stateBucket), config.statePrefix());
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
    SceneStateStore.Loaded loaded = states.load(sceneId, trigger.bucket());
    if (loaded.state().hasProcessed(trigger.key())) {
      return duplicate(trigger, route, states, loaded);
    }
    StageEvaluator evaluator =
        new StageEvaluator(
            data, new QualityGates(data, config.thresholds()), config.verifyThreads(), metrics);
    SceneConfig sceneConfig = evaluator.readConfig(sceneId, loaded.state().config());
    Map<SceneMachine.Need, Evaluation> evaluations = new HashMap<>();
    int lost = 0;
    while (true) {
      SceneMachine.Step step =
          SceneMachine.apply(
              loaded.state(), trigger, route, sceneConfig, evaluations, clock.instant());
      if (step instanceof SceneMachine.Duplicate) {
        return duplicate(trigger, route, states, loaded);
      }
      if (step instanceof SceneMachine.Needs needs) {
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
        continue; // the machine changed nothing: apply again to the same state
      }
      SceneMachine.Applied applied = (SceneMachine.Applied) step;
      SceneState next = Outbox.recorded(applied.state(), applied.effects());
      long written;
      try {
        written = states.write(next, loaded.generation());
      } catch (PreconditionFailedException e) {
        lost = conflicts.lost(sceneId, lost);
        loaded = states.load(sceneId, trigger.bucket());
        continue;
      }
      record(trigger, route, applied);
      outbox.flush(states, new SceneStateStore.Loaded(next, written));
      return new Result(DeliveryOutcome.PROCESSED, sceneId, applied.changes());
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
