package dev.scenegate.sweep;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.AlertKind;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.events.Topic;
import dev.scenegate.fleet.FleetReader;
import dev.scenegate.fleet.FleetView;
import dev.scenegate.fleet.SceneDocument;
import dev.scenegate.fleet.SceneSummary;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.pipeline.MarkerRef;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.scene.Stage;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The freshness check of the sweep (DESIGN: Sweeps, freshness, audit): every stage {@code running}
 * past {@code SLA_RUNNING} or {@code waiting} past {@code SLA_WAITING} (per-stage overrides, see
 * {@link dev.scenegate.fleet.Deadlines}) raises one {@code freshness} alert per scene, stage and
 * marker generation, and never again for the same one: not on the next sweep, not from a sweep
 * running at the same time (see {@link FreshnessLedger}). A new generation of the stage's marker
 * re-arms it.
 *
 * <p>Cost: the fleet reader's one listing of the state prefix and one read per scene (changed
 * documents only, when the reader is kept between runs); then, per scene with a stale stage, one
 * more read of its state and, per stale stage, one read of the freshness ledger (plus, the first
 * time, two writes and one publish).
 */
public final class FreshnessCheck {
  private static final JsonLog LOG = JsonLog.get(FreshnessCheck.class);

  /** How long one run holds a claim before another may publish in its place. */
  public static final Duration DEFAULT_LEASE = Duration.ofMinutes(5);

  private final FleetReader reader;
  private final EventPublisher publisher;
  private final FreshnessLedger ledger;
  private final Clock clock;
  private final FreshnessMeters meters;

  /**
   * @param reader the fleet's state documents and deadlines; its clock should be {@code clock}
   * @param publisher where alerts go ({@code checksum-alerts})
   */
  public FreshnessCheck(
      FleetReader reader, EventPublisher publisher, Clock clock, MeterRegistry registry) {
    this(reader, publisher, clock, registry, FreshnessLedger.DEFAULT_PREFIX, DEFAULT_LEASE);
  }

  /** {@code ledgerPrefix}: where the ledger documents live in the reader's (state) store. */
  public FreshnessCheck(
      FleetReader reader,
      EventPublisher publisher,
      Clock clock,
      MeterRegistry registry,
      String ledgerPrefix,
      Duration lease) {
    this.reader = reader;
    this.publisher = publisher;
    this.clock = clock;
    this.ledger = new FreshnessLedger(reader.store(), ledgerPrefix, lease);
    this.meters = FreshnessMeters.boundTo(registry);
  }

  /** What became of one stale stage's alert. */
  public enum Outcome {
    /** Published by this run. */
    RAISED,
    /** Published before for this marker generation: not again. */
    ALREADY_RAISED,
    /** Another run claimed it and is publishing it. */
    HELD_ELSEWHERE,
    /** Publishing (or recording) failed; the next run tries again. */
    FAILED;

    @JsonValue
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One stage past its deadline and what became of its alert. */
  public record StaleStage(
      String sceneId,
      String stage,
      String status,
      String since,
      MarkerRef marker,
      String alertId,
      Outcome outcome) {}

  /** A scene that could not be checked, and why (one line). */
  public record Problem(String sceneId, String message) {}

  /**
   * One run: the scenes read, every stale stage (with its alert's outcome), and the scenes that
   * could not be checked.
   */
  public record Report(
      int scenesChecked, List<StaleStage> stale, List<Problem> errors, boolean complete) {
    public Report {
      stale = List.copyOf(stale);
      errors = List.copyOf(errors);
    }

    public int staleStages() {
      return stale.size();
    }

    /** Alerts this run published. */
    public int alertsRaised() {
      return (int) stale.stream().filter(s -> s.outcome() == Outcome.RAISED).count();
    }
  }

  /**
   * Checks every scene once. Throws only when the state documents cannot be listed (or the run is
   * interrupted); a scene that cannot be read or alerted is a {@link Problem} and the run goes on.
   */
  public Report run() throws IOException {
    return run(() -> false);
  }

  /**
   * As {@link #run()}, asking {@code stop} between scenes (the sweep's SIGTERM): a stopped run
   * returns what it did, {@link Report#complete()} false; every claim is whole, so the next run
   * takes up the rest.
   */
  public Report run(BooleanSupplier stop) throws IOException {
    String run = UUID.randomUUID().toString();
    boolean complete = true;
    FleetView view = reader.read();
    List<Problem> problems = new ArrayList<>();
    List<String> staleScenes = new ArrayList<>();
    for (SceneSummary scene : view.scenes()) {
      if (scene.isUnreadable()) {
        problems.add(new Problem(scene.sceneId(), "state document unreadable: " + scene.error()));
      } else if (!scene.stale().isEmpty()) {
        staleScenes.add(scene.sceneId());
      }
    }
    List<StaleStage> found = new ArrayList<>();
    if (!staleScenes.isEmpty()) {
      // Read again in full: the lean fleet view has no marker generations, and the stage may
      // have moved on since the listing (judged again below, at this run's clock).
      FleetReader.Details details = reader.scenes(staleScenes);
      details.problems().forEach((id, message) -> problems.add(new Problem(id, message)));
      for (FleetReader.SceneDetail detail : details.found()) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("freshness check interrupted");
        }
        if (stop.getAsBoolean()) {
          complete = false;
          break;
        }
        check(detail, run, found, problems);
      }
    }
    Map<Stage, Integer> perStage = new EnumMap<>(Stage.class);
    for (StaleStage s : found) {
      Stage.fromWireName(s.stage()).ifPresent(st -> perStage.merge(st, 1, Integer::sum));
    }
    if (complete) {
      meters.staleStages(perStage); // a stopped run saw only part of the fleet
    }
    Report report = new Report(view.scenes().size(), found, problems, complete);
    LOG.info(
        "freshness check done",
        "scenes",
        report.scenesChecked(),
        "stale_stages",
        report.staleStages(),
        "alerts_raised",
        report.alertsRaised(),
        "errors",
        problems.size());
    return report;
  }

  /** The stale stages of one scene: claim, publish, record. */
  private void check(
      FleetReader.SceneDetail detail, String run, List<StaleStage> found, List<Problem> problems)
      throws InterruptedIOException {
    SceneDocument document = detail.document();
    String sceneId = document.sceneId();
    String bucket = document.bucket() != null ? document.bucket() : reader.store().bucket();
    Map<Stage, SceneDocument.StageEntry> entries = new EnumMap<>(Stage.class);
    for (SceneDocument.StageEntry entry : document.stages()) {
      entries.put(entry.stage(), entry);
    }
    for (SceneSummary.StaleStage stale : detail.summary().stale()) {
      SceneDocument.StageEntry entry = entries.get(stale.stage());
      if (entry == null || entry.markerObject() == null || entry.markerGeneration() == null) {
        continue; // running or waiting always has a marker; a document without one names nothing
      }
      MarkerRef marker = MarkerRef.of(entry.markerObject(), entry.markerGeneration());
      Stage waitingFor = null;
      StageStatus prerequisiteStatus = null;
      if (stale.status() == StageStatus.WAITING) {
        waitingFor =
            Optional.ofNullable(entry.waitingFor())
                .flatMap(Stage::fromWireName)
                .or(() -> stale.stage().prerequisite())
                .orElse(null);
        SceneDocument.StageEntry before = waitingFor == null ? null : entries.get(waitingFor);
        prerequisiteStatus = before == null ? null : before.status();
      }
      Instant now = clock.instant();
      ChecksumAlert alert =
          FreshnessAlert.of(
              new FreshnessAlert.StaleStage(
                  sceneId,
                  bucket,
                  stale.stage(),
                  stale.status(),
                  stale.since(),
                  marker,
                  waitingFor,
                  prerequisiteStatus,
                  reader.deadlines().deadline(stale.stage(), stale.status()).orElse(null)),
              now);
      Outcome outcome;
      try {
        outcome = raise(sceneId, stale.stage().wireName(), marker, alert, run, now);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        outcome = Outcome.FAILED;
        problems.add(
            new Problem(
                sceneId,
                "freshness alert for " + stale.stage().wireName() + " not raised: " + message(e)));
        LOG.error(
            "freshness alert not raised; the next sweep tries again",
            e,
            "scene_id",
            sceneId,
            "stage",
            stale.stage().wireName(),
            "alert_id",
            alert.alertId());
      }
      meters.alert(outcome.wireName());
      found.add(
          new StaleStage(
              sceneId,
              stale.stage().wireName(),
              stale.status().wireName(),
              stale.since(),
              marker,
              alert.alertId(),
              outcome));
    }
  }

  private Outcome raise(
      String sceneId, String stage, MarkerRef marker, ChecksumAlert alert, String run, Instant now)
      throws IOException {
    FreshnessLedger.Claim claim =
        ledger.claim(sceneId, stage, marker, alert.alertId(), alert.toJson(), run, now);
    switch (claim.state()) {
      case ALREADY_RAISED:
        return Outcome.ALREADY_RAISED;
      case HELD_ELSEWHERE:
        return Outcome.HELD_ELSEWHERE;
      default:
        break;
    }
    try {
      publish(sceneId, claim.alert());
    } catch (IOException | RuntimeException e) {
      try {
        ledger.release(sceneId, stage, marker, run);
      } catch (IOException | RuntimeException released) {
        e.addSuppressed(released); // the lease runs out instead
      }
      throw e;
    }
    ledger.raised(sceneId, stage, marker, alert.alertId(), clock.instant());
    // NOTICE: the alert is the loud signal; a CLI's stderr stays its one-line reason.
    LOG.notice(
        "stage past its deadline: freshness alert raised",
        "scene_id",
        sceneId,
        "stage",
        stage,
        "status",
        claim.alert().path("status").asText(null),
        "since",
        claim.alert().path("since").asText(null),
        "marker",
        marker.object() + "#" + marker.generation(),
        "alert_id",
        alert.alertId());
    return Outcome.RAISED;
  }

  /** Publishes the alert JSON as recorded with the claim, retried a few times. */
  private void publish(String sceneId, ObjectNode alert) throws IOException {
    OutboundMessage message =
        OutboundMessage.of(
            Topic.CHECKSUM_ALERTS,
            alert.toString().getBytes(StandardCharsets.UTF_8),
            Map.of(
                "scene_id",
                sceneId,
                "kind",
                AlertKind.FRESHNESS.wireName(),
                "severity",
                FreshnessAlert.SEVERITY),
            sceneId);
    publisher.publish(message, EventPublisher.BATCH_RETRIES);
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return (m == null || m.isBlank() ? e.getClass().getSimpleName() : m)
        .replaceAll("[\\r\\n\\t]+", " ");
  }
}
