package dev.scenegate.pipeline;

import dev.scenegate.events.EventPublisher;
import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.quality.QualityGates;
import dev.scenegate.retry.Backoff;
import dev.scenegate.scene.SceneConfig;
import dev.scenegate.storage.BucketNames;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.TransientStorageException;
import dev.scenegate.verify.ManifestSupersededException;
import dev.scenegate.verify.VerifyBudget;
import dev.scenegate.verify.VerifyBudgetExhaustedException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
    DUPLICATE,
    /**
     * The marker's generation is gone (a manifest that is its own marker, replaced or deleted since
     * its event): nothing decided, nothing written; the newer generation's event decides.
     */
    SUPERSEDED
  }

  public record Result(DeliveryOutcome outcome, String sceneId, List<SceneMachine.Change> changes) {
    static Result dismissed() {
      return new Result(DeliveryOutcome.DISMISSED, null, List.of());
    }
  }

  /** How long a duplicate waits for another delivery to confirm what it holds: about 0.6 s. */
  private static final Backoff HOLDER_WAIT =
      Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(500)).withMaxAttempts(8);

  private final Function<String, ObjectStore> stores;
  private final Function<String, DigestLedger> ledgers;
  private final EventPublisher publisher;
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
    this(stores, null, publisher, meters, config, clock);
  }

  /**
   * @param ledgers the digest ledger of each data bucket; null: the bucket's ledger in the state
   *     bucket ({@link DigestLedger#forBucket})
   */
  private MarkerHandler(
      Function<String, ObjectStore> stores,
      Function<String, DigestLedger> ledgers,
      EventPublisher publisher,
      MeterRegistry meters,
      MarkerConfig config,
      Clock clock) {
    this.stores = stores;
    this.publisher = publisher;
    this.ledgers =
        ledgers != null
            ? ledgers
            : bucket -> defaultLedger(stores.apply(stateBucketOf(bucket)), bucket);
    this.meters = meters;
    this.metrics = new PipelineMetrics(meters);
    this.config = config;
    this.clock = clock;
    this.outbox = new Outbox(stores, publisher, metrics);
  }

  /**
   * For a single store acting as both data and state bucket (local mode, tests), with the digest
   * ledger in it ({@link DigestLedger#local}: under {@code _scenegate/digests/}).
   */
  public MarkerHandler(
      ObjectStore store,
      EventPublisher publisher,
      MeterRegistry meters,
      MarkerConfig config,
      Clock clock) {
    this(bucket -> store, bucket -> DigestLedger.local(store), publisher, meters, config, clock);
  }

  /** The same handler with {@code ledgers} giving each data bucket's digest ledger. */
  public MarkerHandler withLedgers(Function<String, DigestLedger> ledgers) {
    return new MarkerHandler(stores, ledgers, publisher, meters, config, clock);
  }

  public MarkerConfig config() {
    return config;
  }

  /** The state store used for scenes of {@code bucket}. */
  public SceneStateStore stateStore(String bucket) {
    return new SceneStateStore(
        stores.apply(stateBucketOf(bucket)), config.statePrefix(), config.conflictRetries());
  }

  /** The digest ledger of a data bucket's objects. */
  public DigestLedger ledger(String bucket) {
    return ledgers.apply(bucket);
  }

  /**
   * The data bucket's ledger in the state bucket; a data "bucket" that is a local folder (tests of
   * a separate state store) keeps its ledger at the state store's plain {@code
   * _scenegate/digests/}.
   */
  private static DigestLedger defaultLedger(ObjectStore stateStore, String dataBucket) {
    return BucketNames.problem(dataBucket).isPresent()
        ? DigestLedger.of(stateStore, DigestLedger.PREFIX)
        : DigestLedger.forBucket(stateStore, dataBucket);
  }

  private String stateBucketOf(String bucket) {
    return config.stateBucket() == null ? bucket : config.stateBucket();
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
    } catch (VerifyBudgetExhaustedException e) {
      // Expected for a scene too big for one delivery: recorded, redelivered, continued.
      countEvent("budget_exhausted");
      LOG.info(
          "verification budget used up; the platform redelivers and it continues from the ledger",
          "scene_id",
          route.get().sceneId(),
          "stage",
          route.get().stage().wireName(),
          "object",
          trigger.object(),
          "generation",
          Long.toString(trigger.generation()),
          "files_left",
          e.filesLeft());
      throw e;
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
    Outbox.Claim claim = new Outbox.Claim(UUID.randomUUID().toString(), clock.instant());
    SceneStateStore states = stateStore(trigger.bucket());
    ObjectStore data = stores.apply(trigger.bucket());
    // One budget for the whole delivery, from its start (DESIGN: resumable verification).
    StageEvaluator evaluator =
        new StageEvaluator(
            data,
            new QualityGates(data, config.thresholds()),
            config.verifyThreads(),
            metrics,
            VerifyBudget.of(config.verifyBudget(), clock),
            ledgers.apply(trigger.bucket()));
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
                  SceneState next = Outbox.recorded(applied.state(), applied.effects(), claim);
                  return new SceneStateStore.Decision<>(next, new Decided(current, applied, next));
                }
                if (step instanceof SceneMachine.Needs needs) {
                  ManifestSupersededException superseded =
                      evaluate(evaluator, sceneId, needs, evaluations);
                  if (superseded != null) {
                    return new SceneStateStore.Decision<>(
                        null, new Decided(current, null, null, superseded));
                  }
                  continue; // the machine changed nothing: apply again to the same state
                }
                return new SceneStateStore.Decision<>(null, new Decided(current, null));
              }
            });
    Decided decided = updated.result();
    if (decided.superseded() != null) {
      LOG.info(
          "marker generation superseded; nothing decided",
          "scene_id",
          sceneId,
          "stage",
          route.stage().wireName(),
          "object",
          trigger.object(),
          "generation",
          Long.toString(trigger.generation()),
          "reason",
          decided.superseded().getMessage());
      return new Result(DeliveryOutcome.SUPERSEDED, sceneId, List.of());
    }
    if (decided.applied() == null) {
      return duplicate(trigger, route, states, decided.read(), claim.delivery());
    }
    record(trigger, route, decided.applied());
    SceneState written = decided.written();
    outbox.flush(states, new SceneStateStore.Loaded(written, updated.written()), claim);
    return new Result(DeliveryOutcome.PROCESSED, sceneId, decided.applied().changes());
  }

  /**
   * What the state update decided: the state read (for a duplicate, with the entries it claimed),
   * what the trigger applied (null: a duplicate or superseded), the state written, and why the
   * delivery is superseded (null: it is not).
   */
  private record Decided(
      SceneStateStore.Loaded read,
      SceneMachine.Applied applied,
      SceneState written,
      ManifestSupersededException superseded) {
    Decided(SceneStateStore.Loaded read, SceneMachine.Applied applied) {
      this(read, applied, null, null);
    }

    Decided(SceneStateStore.Loaded read, SceneMachine.Applied applied, SceneState written) {
      this(read, applied, written, null);
    }
  }

  /** Evaluates what the machine needs; returns why the delivery is superseded, or null. */
  private static ManifestSupersededException evaluate(
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
      try {
        evaluations.put(need, evaluator.evaluate(sceneId, need.stage(), need.marker()));
      } catch (ManifestSupersededException e) {
        return e;
      }
    }
    return null;
  }

  /**
   * A trigger processed before: carries out the outbox entries nobody holds (claimed in a
   * compare-and-set first). Entries another live delivery holds are its to publish; this delivery
   * waits a little for them to be confirmed (or let go, or their lease to run out), and fails
   * transiently if they are still held, so the platform retries it: it may be the redelivery of the
   * delivery that crashed holding them, and then it is the one to publish them.
   */
  private Result duplicate(
      Trigger trigger,
      MarkerRoute route,
      SceneStateStore states,
      SceneStateStore.Loaded read,
      String delivery)
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
        read.state().outbox().size());
    for (int attempt = 1; ; attempt++) {
      Outbox.Claim claim = new Outbox.Claim(delivery, clock.instant());
      SceneStateStore.Updated<SceneState> claimed =
          states.update(
              route.sceneId(),
              trigger.bucket(),
              metrics::conflict,
              current -> {
                SceneState next = Outbox.recorded(current.state(), List.of(), claim);
                return new SceneStateStore.Decision<>(
                    next.equals(current.state()) ? null : next, next);
              });
      if (claimed.written() != 0) {
        outbox.flush(
            states, new SceneStateStore.Loaded(claimed.result(), claimed.written()), claim);
      }
      long held = Outbox.heldByOthers(claimed.result(), claim);
      if (held == 0) {
        return new Result(DeliveryOutcome.DUPLICATE, route.sceneId(), List.of());
      }
      if (!HOLDER_WAIT.allows(attempt + 1)) {
        throw new TransientStorageException(
            "scene "
                + route.sceneId()
                + ": "
                + held
                + " outbox entries are held by another delivery; retry once it confirmed them or"
                + " its lease ran out");
      }
      HOLDER_WAIT.pauseAfter(attempt);
    }
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
