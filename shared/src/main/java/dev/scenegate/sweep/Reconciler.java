package dev.scenegate.sweep;

import dev.scenegate.events.EventJson;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.MarkerRef;
import dev.scenegate.pipeline.MarkerRoute;
import dev.scenegate.pipeline.SceneMachine;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.pipeline.Trigger;
import dev.scenegate.scene.SceneIds;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * {@code reconcile} (DESIGN "Sweeps"): lists the markers under {@code scenes/*}{@code /} (one
 * listing of the scenes prefix, page by page), reads each scene's state once, and runs every marker
 * whose current generation the state has not seen through the same {@link MarkerHandler} as a live
 * delivery, under the marker's own idempotency key ({@code bucket/object#generation}): a late
 * delivery of the real event is then a duplicate, and a live delivery racing the re-drive changes
 * the state once (the handler's compare-and-set decides on what the winner wrote).
 *
 * <p>Which objects are markers is {@link MarkerRoute}'s rule; whether a generation was processed,
 * {@link SceneState#hasSeen}'s. A scene folder whose name is not a scene id is skipped with a
 * warning; a state that cannot be read back is reported and left as it is (the handler would set it
 * aside and start afresh; that is for a delivery to decide, not a sweep).
 */
public final class Reconciler implements SweepStep {
  private static final JsonLog LOG = JsonLog.get(Reconciler.class);

  /** The step's name. */
  public static final String NAME = "reconcile";

  private final ObjectStore data;
  private final MarkerHandler handler;
  private final SweepMeters meters;
  private final Clock clock;
  private final String sceneId;
  private final boolean dryRun;

  /**
   * @param data the data bucket (its markers are listed)
   * @param sceneId only this scene, or null for every scene
   * @param dryRun list what would be re-driven, handle nothing
   */
  public Reconciler(
      ObjectStore data,
      MarkerHandler handler,
      SweepMeters meters,
      Clock clock,
      String sceneId,
      boolean dryRun) {
    if (sceneId != null && !SceneIds.isValid(sceneId)) {
      throw new IllegalArgumentException("invalid scene id '" + sceneId + "'");
    }
    this.data = data;
    this.handler = handler;
    this.meters = meters;
    this.clock = clock;
    this.sceneId = sceneId;
    this.dryRun = dryRun;
  }

  /** {@code reconcile --json}, exactly: DESIGN "Sweeps". */
  public record Report(long markersSeen, List<MarkerRef> redriven, List<Problem> errors) {}

  /** An object (a marker, a state document) that could not be reconciled, and why. */
  public record Problem(String object, String message) {}

  /**
   * What a run did: the {@link Report}; warnings (scene folders skipped); the stages a re-driven
   * marker failed ({@code scene_id/stage}); whether it ran to the end.
   */
  public record Reconciliation(
      Report report, List<String> warnings, List<String> failedStages, boolean complete) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Outcome run(BooleanSupplier stop) throws IOException {
    Reconciliation done = reconcile(stop);
    return new Outcome(
        EventJson.MAPPER.valueToTree(done.report()),
        !done.failedStages().isEmpty(),
        done.report().errors().size(),
        done.complete());
  }

  /** Lists, compares, re-drives; {@code stop} is asked before each scene. */
  public Reconciliation reconcile(BooleanSupplier stop) throws IOException {
    Instant started = clock.instant();
    List<String> warnings = new ArrayList<>();
    Map<String, List<ObjectInfo>> markers = markersByScene(warnings);
    long seen = markers.values().stream().mapToLong(List::size).sum();
    List<MarkerRef> redriven = new ArrayList<>();
    List<Problem> errors = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    boolean complete = true;
    SceneStateStore states = handler.stateStore(data.bucket());
    // Scenes are independent (each state is its own compare-and-set document), and a sweep is
    // bound by round trips, not CPU: several scenes at once; results are kept in scene order.
    List<Future<SceneResult>> results = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(SCENES_IN_PARALLEL, Reconciler::daemon);
    try {
      for (Map.Entry<String, List<ObjectInfo>> scene : markers.entrySet()) {
        results.add(
            pool.submit(
                () -> {
                  if (stop.getAsBoolean()) {
                    return null;
                  }
                  SceneResult result = new SceneResult();
                  reconcileScene(
                      states,
                      scene.getKey(),
                      scene.getValue(),
                      result.redriven,
                      result.errors,
                      result.failed);
                  return result;
                }));
      }
      for (Future<SceneResult> future : results) {
        SceneResult result = future.get();
        if (result == null) {
          complete = false;
          continue;
        }
        redriven.addAll(result.redriven);
        errors.addAll(result.errors);
        failed.addAll(result.failed);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("reconcile interrupted");
    } catch (ExecutionException e) {
      throw new IllegalStateException("reconcile failed on a scene", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    errors.forEach(e -> meters.error(NAME));
    meters.took(NAME, Duration.between(started, clock.instant()), complete);
    LOG.info(
        "reconcile finished",
        "markers_seen",
        seen,
        "redriven",
        redriven.size(),
        "errors",
        errors.size(),
        "complete",
        complete,
        "dry_run",
        dryRun);
    return new Reconciliation(
        new Report(seen, List.copyOf(redriven), List.copyOf(errors)),
        List.copyOf(warnings),
        List.copyOf(failed),
        complete);
  }

  /** Scenes reconciled at once. */
  static final int SCENES_IN_PARALLEL = 8;

  /** One scene's part of the report. */
  private static final class SceneResult {
    final List<MarkerRef> redriven = new ArrayList<>();
    final List<Problem> errors = new ArrayList<>();
    final List<String> failed = new ArrayList<>();
  }

  private static Thread daemon(Runnable task) {
    Thread thread = new Thread(task, "scenegate-reconcile");
    thread.setDaemon(true);
    return thread;
  }

  private void reconcileScene(
      SceneStateStore states,
      String scene,
      List<ObjectInfo> markers,
      List<MarkerRef> redriven,
      List<Problem> errors,
      List<String> failed) {
    Optional<SceneStateStore.Loaded> loaded;
    try {
      // inspect, not find: an unreadable state is reported and left exactly as it is.
      loaded = states.inspect(scene);
    } catch (IOException e) {
      LOG.warn(
          "scene state unreadable; scene not reconciled",
          "scene_id",
          scene,
          "object",
          states.objectName(scene),
          "error",
          e.getMessage());
      errors.add(new Problem(states.objectName(scene), message(e)));
      return;
    }
    SceneState state = loaded.map(SceneStateStore.Loaded::state).orElse(null);
    // Oldest first, as the markers were written: the events then read in order.
    List<ObjectInfo> ordered = new ArrayList<>(markers);
    ordered.sort(Comparator.comparingLong(ObjectInfo::generation));
    for (ObjectInfo marker : ordered) {
      if (state != null && state.hasSeen(marker.name(), marker.generation())) {
        continue;
      }
      String stage = MarkerRoute.parse(marker.name()).orElseThrow().stage().wireName();
      Trigger trigger = Trigger.of(data.bucket(), marker.name(), marker.generation());
      if (dryRun) {
        redriven.add(MarkerRef.of(marker.name(), marker.generation()));
        continue;
      }
      try {
        MarkerHandler.Result result = handler.handle(trigger);
        LOG.notice(
            "marker re-driven: its event never arrived",
            "scene_id",
            scene,
            "stage",
            stage,
            "cause",
            trigger.key(),
            "object",
            marker.name(),
            "generation",
            Long.toString(marker.generation()),
            "outcome",
            result.outcome().name().toLowerCase(java.util.Locale.ROOT));
        if (result.outcome() != MarkerHandler.DeliveryOutcome.PROCESSED) {
          continue; // a live delivery got there first: nothing was re-driven
        }
        redriven.add(MarkerRef.of(marker.name(), marker.generation()));
        meters.redriven(stage);
        for (SceneMachine.Change change : result.changes()) {
          if (change.stage() != null && StageStatus.FAILED.wireName().equals(change.to())) {
            failed.add(scene + "/" + change.stage().wireName());
          }
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn(
            "marker not re-driven; the next sweep tries again",
            "scene_id",
            scene,
            "stage",
            stage,
            "cause",
            trigger.key(),
            "object",
            marker.name(),
            "error",
            message(e));
        errors.add(new Problem(marker.name(), message(e)));
      }
    }
  }

  /**
   * The markers of every scene (or of the one scene), by scene id, sorted. Folders under {@code
   * scenes/} whose names are not scene ids are skipped, each with one warning.
   */
  private Map<String, List<ObjectInfo>> markersByScene(List<String> warnings) throws IOException {
    String prefix = sceneId == null ? SceneIds.SCENES_FOLDER : SceneIds.folder(sceneId);
    Map<String, List<ObjectInfo>> byScene = new TreeMap<>();
    Set<String> skipped = new LinkedHashSet<>();
    for (ObjectInfo info : data.list(prefix)) {
      String name = info.name();
      int slash = name.indexOf('/', SceneIds.SCENES_FOLDER.length());
      if (slash < 0) {
        continue; // an object directly under scenes/, not in a scene folder
      }
      String scene = name.substring(SceneIds.SCENES_FOLDER.length(), slash);
      if (!SceneIds.isValid(scene)) {
        skipped.add(scene);
        continue;
      }
      if (MarkerRoute.parse(name).isPresent()) {
        byScene.computeIfAbsent(scene, s -> new ArrayList<>()).add(info);
      }
    }
    for (String scene : skipped) {
      String warning =
          "skipped "
              + SceneIds.SCENES_FOLDER
              + scene
              + "/: not a scene id (expected "
              + SceneIds.PATTERN.pattern()
              + ")";
      LOG.warn(warning, "folder", SceneIds.SCENES_FOLDER + scene + "/");
      warnings.add(warning);
    }
    return byScene;
  }

  private static String message(Exception e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
