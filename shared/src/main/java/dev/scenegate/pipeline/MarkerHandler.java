package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.quality.QualityGates;
import dev.scenegate.scene.SceneConfig;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.storage.PreconditionFailedException;
import dev.scenegate.storage.TransientStorageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Turns one finalized object into stage progress: routes it (no storage call for non-markers),
 * evaluates what the marker vouches for outside the compare-and-set loop, applies the result to the
 * scene's state with a generation precondition (retried on conflict), then carries out the outbox:
 * {@code .failed} writes and clears, stage events and alerts, each removed from the state once
 * confirmed.
 *
 * <p>Transient faults (storage errors, publish failures, conflicts beyond the budget) are thrown so
 * the platform retries; bad input has already become a failed stage by then.
 */
public final class MarkerHandler {
  private static final JsonLog LOG = JsonLog.get(MarkerHandler.class);

  /** How a delivery ended. */
  public enum Outcome {
    /** Not a marker: nothing read, nothing written. */
    DISMISSED,
    /** A new trigger: the state was updated (possibly without a status change). */
    PROCESSED,
    /** Processed before: nothing changed; pending outbox entries were carried out. */
    DUPLICATE
  }

  public record Result(Outcome outcome, String sceneId, List<SceneMachine.Change> changes) {
    static Result dismissed() {
      return new Result(Outcome.DISMISSED, null, List.of());
    }
  }

  private final Function<String, ObjectStore> stores;
  private final EventPublisher publisher;
  private final MeterRegistry meters;
  private final MarkerConfig config;
  private final Clock clock;

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
    this.publisher = publisher;
    this.meters = meters;
    this.config = config;
    this.clock = clock;
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
      countEvent(result.outcome().name().toLowerCase(java.util.Locale.ROOT));
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
    if (loaded.state().processed().contains(trigger.key())) {
      return duplicate(trigger, route, states, loaded);
    }
    StageEvaluator evaluator =
        new StageEvaluator(
            data, new QualityGates(data, config.thresholds()), config.verifyThreads(), meters);
    SceneConfig sceneConfig = evaluator.readConfig(sceneId, loaded.state().config());
    Map<SceneMachine.Need, Evaluation> evaluations = new HashMap<>();
    int conflicts = 0;
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
        loaded = states.load(sceneId, trigger.bucket());
        continue;
      }
      SceneMachine.Applied applied = (SceneMachine.Applied) step;
      long written;
      try {
        written = states.write(loaded.state(), loaded.generation());
      } catch (PreconditionFailedException e) {
        conflicts = conflict(sceneId, conflicts);
        loaded = states.load(sceneId, trigger.bucket());
        continue;
      }
      record(trigger, route, applied);
      flush(states, new SceneStateStore.Loaded(loaded.state(), written));
      return new Result(Outcome.PROCESSED, sceneId, applied.changes());
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
    flush(states, loaded);
    return new Result(Outcome.DUPLICATE, route.sceneId(), List.of());
  }

  private int conflict(String sceneId, int conflicts) throws IOException {
    Counter.builder("scenegate.state.conflicts")
        .description("State writes that lost a compare-and-set race and were retried")
        .register(meters)
        .increment();
    int next = conflicts + 1;
    if (next >= config.conflictRetries()) {
      throw new TransientStorageException(
          "scene "
              + sceneId
              + ": state write lost "
              + next
              + " compare-and-set races in a row; giving up for now");
    }
    // Jittered exponential backoff so racing writers spread out instead of colliding again.
    long ceiling = Math.min(1000, 5L << Math.min(next, 8));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, ceiling + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while backing off");
    }
    return next;
  }

  private void record(Trigger trigger, MarkerRoute route, SceneMachine.Applied applied) {
    for (SceneMachine.Change change : applied.changes()) {
      String stage = change.stage() == null ? SceneMachine.E2E : change.stage().wireName();
      Counter.builder("scenegate.stage.transitions")
          .description("Stage status changes, by stage and new status")
          .tag("stage", stage)
          .tag("status", change.to())
          .register(meters)
          .increment();
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
    for (String kind : applied.alertKinds()) {
      Counter.builder("scenegate.alerts")
          .description("Alerts raised, by kind")
          .tag("kind", kind)
          .register(meters)
          .increment();
    }
  }

  // ---- outbox ----

  /**
   * Carries out the pending outbox entries in order (a failure stops there, so per-scene order
   * holds), then removes the confirmed ones from the state. A failure is rethrown after the
   * confirmed entries were removed, so a retry repeats only what was not confirmed.
   */
  private void flush(SceneStateStore states, SceneStateStore.Loaded loaded) throws IOException {
    List<OutboxEntry> pending = List.copyOf(loaded.state().outbox());
    if (pending.isEmpty()) {
      return;
    }
    String sceneId = loaded.state().sceneId();
    ObjectStore data = stores.apply(loaded.state().bucket());
    Set<String> done = new HashSet<>();
    IOException failure = null;
    for (OutboxEntry entry : pending) {
      try {
        perform(data, entry);
        done.add(entry.id());
      } catch (IOException | RuntimeException e) {
        failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        LOG.warn(
            "outbox entry not carried out; will retry",
            "scene_id",
            sceneId,
            "outbox_id",
            entry.id(),
            "kind",
            entry.kind().name(),
            "error",
            String.valueOf(e.getMessage()));
        break;
      }
    }
    try {
      markDone(states, loaded, done);
    } catch (IOException e) {
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void perform(ObjectStore data, OutboxEntry entry) throws IOException {
    switch (entry.kind()) {
      case PUBLISH -> {
        publisher.publish(entry.message());
        Counter.builder("scenegate.events.published")
            .description("Messages confirmed by the publisher, by topic")
            .tag("topic", entry.topic().defaultName())
            .register(meters)
            .increment();
      }
      case WRITE_FAILED ->
          data.write(
              entry.object(),
              entry.data().toPrettyString().getBytes(StandardCharsets.UTF_8),
              "application/json",
              Map.of("scenegate", "failed-marker"),
              Precondition.none());
      case CLEAR_FAILED -> clearFailed(data, entry);
    }
  }

  /**
   * Removes {@code .failed} after remediation, unless it now speaks for another stage (the two
   * geniesim stages share a folder) — that one is left alone.
   */
  private static void clearFailed(ObjectStore data, OutboxEntry entry) throws IOException {
    for (int attempt = 0; attempt < 5; attempt++) {
      Optional<ObjectInfo> info = data.stat(entry.object());
      if (info.isEmpty()) {
        return;
      }
      String stage = null;
      try {
        JsonNode node =
            EventJson.MAPPER.readTree(
                data.readSmall(entry.object(), info.get().generation(), 1024 * 1024));
        stage = node.path("stage").asText(null);
      } catch (NoSuchFileException e) {
        continue;
      } catch (IOException e) {
        if (e instanceof TransientStorageException) {
          throw e;
        }
        // Unreadable: not one of ours to keep; clearing it is what the stage's pass means.
      }
      if (stage != null && !stage.equals(entry.stage())) {
        return;
      }
      try {
        data.delete(entry.object(), info.get().generation());
        return;
      } catch (PreconditionFailedException | NoSuchFileException e) {
        // Rewritten meanwhile: look again.
      }
    }
    throw new TransientStorageException("could not clear " + entry.object() + " (kept changing)");
  }

  private void markDone(SceneStateStore states, SceneStateStore.Loaded loaded, Set<String> done)
      throws IOException {
    if (done.isEmpty()) {
      return;
    }
    String sceneId = loaded.state().sceneId();
    int conflicts = 0;
    SceneStateStore.Loaded current = loaded;
    while (true) {
      List<OutboxEntry> outbox = current.state().outbox();
      int before = outbox.size();
      outbox.removeIf(entry -> done.contains(entry.id()));
      if (outbox.size() == before) {
        return; // someone else confirmed them meanwhile
      }
      try {
        states.write(current.state(), current.generation());
        return;
      } catch (PreconditionFailedException e) {
        conflicts = conflict(sceneId, conflicts);
        current = states.load(sceneId, loaded.state().bucket());
      }
    }
  }

  /**
   * Counts one object event by outcome ({@code dismissed}, {@code processed}, {@code duplicate},
   * {@code failed}, {@code undecodable}); the function counts the events it drops before decoding
   * here too, so the meter is defined once.
   */
  public void countEvent(String outcome) {
    Counter.builder("scenegate.marker.events")
        .description("Object events handled by the marker function, by outcome")
        .tag("outcome", outcome)
        .register(meters)
        .increment();
  }
}
