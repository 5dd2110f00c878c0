package dev.scenegate.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.alerts.AlertCodec;
import dev.scenegate.alerts.ReceivedAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.events.Topic;
import dev.scenegate.fleet.Deadlines;
import dev.scenegate.fleet.FleetReader;
import dev.scenegate.fleet.FleetScenes;
import dev.scenegate.pipeline.MarkerRef;
import dev.scenegate.pipeline.SceneFixture;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.testing.RecordingPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The freshness check against a local folder bucket, states written by the real marker handler. */
class FreshnessCheckTest {
  static final Instant T0 = Instant.parse("2026-12-01T02:00:00Z");

  @TempDir Path root;

  private final RecordingPublisher publisher = new RecordingPublisher();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private ObjectStore store() {
    return new LocalObjectStore(root);
  }

  private FreshnessCheck check(Instant now, Map<String, String> env) {
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    FleetReader reader =
        new FleetReader(
            store(), SceneStateStore.DEFAULT_PREFIX, Deadlines.fromEnvironment(env), clock, 2);
    return new FreshnessCheck(reader, publisher, clock, meters);
  }

  private FreshnessCheck check(Instant now) {
    return check(now, Map.of());
  }

  private List<ReceivedAlert> alerts() throws Exception {
    List<ReceivedAlert> alerts = new ArrayList<>();
    for (OutboundMessage m : publisher.confirmed()) {
      assertEquals(Topic.CHECKSUM_ALERTS, m.topic());
      alerts.add(AlertCodec.decode(m.data()));
    }
    return alerts;
  }

  @Test
  void submittedOlderThanSlaRunningRaisesExactlyOneAlertAcrossThreeRuns() throws Exception {
    new FleetScenes(store(), T0).runningStale(T0);
    Instant now = T0.plus(Duration.ofHours(7));

    FreshnessCheck.Report first = check(now).run();
    FreshnessCheck.Report second = check(now.plus(Duration.ofHours(1))).run();
    FreshnessCheck.Report third = check(now.plus(Duration.ofHours(2))).run();

    assertEquals(1, publisher.confirmed().size(), "one alert across three runs");
    assertEquals(1, first.alertsRaised());
    assertEquals(0, second.alertsRaised());
    assertEquals(0, third.alertsRaised());
    assertEquals(1, third.staleStages(), "still stale, still reported, not alerted again");
    assertEquals(FreshnessCheck.Outcome.ALREADY_RAISED, third.stale().get(0).outcome());

    OutboundMessage message = publisher.confirmed().get(0);
    assertEquals(
        Map.of("scene_id", FleetScenes.RUNNING_STALE, "kind", "freshness", "severity", "warning"),
        message.attributes());
    assertEquals(FleetScenes.RUNNING_STALE, message.orderingKey());
    JsonNode json = EventJson.MAPPER.readTree(message.data());
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertEquals(
        List.of(
            "schema_version",
            "alert_id",
            "kind",
            "severity",
            "scene_id",
            "bucket",
            "manifest",
            "failures",
            "remediation",
            "occurred_at",
            "stage",
            "status",
            "since",
            "marker"),
        fields,
        "DESIGN's common fields, then the freshness ones; no waiting_for while running");
    assertEquals("freshness", json.get("kind").asText());
    assertEquals("warning", json.get("severity").asText());
    assertEquals("geniesim_export", json.get("stage").asText());
    assertEquals("running", json.get("status").asText());
    assertEquals(T0.toString(), json.get("since").asText());
    assertTrue(json.get("manifest").isNull());
    assertEquals(0, json.get("failures").size());
    assertEquals(now.toString(), json.get("occurred_at").asText());
    String submitted = "scenes/" + FleetScenes.RUNNING_STALE + "/geniesim/.geniesim_submitted";
    assertEquals(submitted, json.get("marker").get("object").asText());
    long generation = store().stat(submitted).orElseThrow().generation();
    assertEquals(Long.toString(generation), json.get("marker").get("generation").asText());
    assertTrue(json.get("marker").get("generation").isTextual(), "generations are strings");
    String remediation = json.get("remediation").toString();
    assertTrue(remediation.contains("Genie Sim job"), remediation);
    assertTrue(remediation.contains("geniesim/.geniesim_complete"), remediation);
    assertTrue(remediation.contains("SLA_GENIESIM_EXPORT"), remediation);
    assertEquals(
        FreshnessAlert.alertId(
            json.get("bucket").asText(null),
            "geniesim_export",
            MarkerRef.of(submitted, generation)),
        json.get("alert_id").asText());
  }

  @Test
  void waitingPastSlaWaitingNamesWhatItWaitsFor() throws Exception {
    FleetScenes scenes = new FleetScenes(store(), T0);
    scenes.waitingStale(T0);
    scenes.waiting(T0.plus(Duration.ofHours(24))); // waiting, but only for 1 hour at "now"
    Instant now = T0.plus(Duration.ofHours(25));

    FreshnessCheck.Report report = check(now).run();

    assertEquals(2, report.scenesChecked());
    List<ReceivedAlert> alerts = alerts();
    assertEquals(1, alerts.size(), "only the scene waiting past 24 h");
    ReceivedAlert alert = alerts.get(0);
    assertEquals(FleetScenes.WAITING_STALE, alert.alert().sceneId());
    assertEquals("dwm", alert.stage());
    assertEquals("waiting", alert.status());
    assertEquals("regen3d", alert.waitingFor());
    assertEquals(T0.toString(), alert.since());
    assertEquals(
        "scenes/" + FleetScenes.WAITING_STALE + "/dwm/.dwm_complete", alert.markerObject());
    String steps = String.join("\n", alert.alert().remediation());
    assertTrue(steps.contains("waits for regen3d (now pending)"), steps);
    assertTrue(
        steps.contains("scenes/" + FleetScenes.WAITING_STALE + "/assets/.regen3d_complete"), steps);
    assertTrue(steps.contains("SLA_DWM"), steps);
  }

  @Test
  void perStageDeadlineOverridesTheDefault() throws Exception {
    new FleetScenes(store(), T0).runningStale(T0);
    Instant now = T0.plus(Duration.ofHours(7));

    FreshnessCheck.Report report = check(now, Map.of("SLA_GENIESIM_EXPORT", "PT12H")).run();

    assertEquals(0, report.staleStages());
    assertTrue(publisher.confirmed().isEmpty());
  }

  @Test
  void aNewMarkerGenerationReArmsTheAlert() throws Exception {
    FleetScenes scenes = new FleetScenes(store(), T0);
    scenes.runningStale(T0);
    check(T0.plus(Duration.ofHours(7))).run();
    assertEquals(1, publisher.confirmed().size());

    // The job is re-submitted: a new generation of .geniesim_submitted, running again from T1.
    Instant t1 = T0.plus(Duration.ofHours(8));
    SceneFixture scene = new SceneFixture(store(), FleetScenes.RUNNING_STALE);
    scenes.handler(t1).handle(scene.marker("geniesim/.geniesim_submitted"));
    FreshnessCheck.Report notYet = check(t1.plus(Duration.ofHours(1))).run();
    assertEquals(0, notYet.staleStages(), "running again for 1 hour only");

    FreshnessCheck.Report again = check(t1.plus(Duration.ofHours(7))).run();
    check(t1.plus(Duration.ofHours(8))).run();

    List<ReceivedAlert> alerts = alerts();
    assertEquals(2, alerts.size(), "one per marker generation");
    assertEquals(1, again.alertsRaised());
    assertNotEquals(alerts.get(0).alertId(), alerts.get(1).alertId());
    assertNotEquals(alerts.get(0).markerGeneration(), alerts.get(1).markerGeneration());
    assertEquals(t1.toString(), alerts.get(1).since());
  }

  @Test
  void concurrentRunsRaiseItOnce() throws Exception {
    new FleetScenes(store(), T0).runningStale(T0);
    Instant now = T0.plus(Duration.ofHours(7));
    int runs = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(runs);
    try {
      List<Future<FreshnessCheck.Report>> reports = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        FreshnessCheck check = check(now);
        Callable<FreshnessCheck.Report> task =
            () -> {
              start.await();
              return check.run();
            };
        reports.add(pool.submit(task));
      }
      start.countDown();
      int raised = 0;
      for (Future<FreshnessCheck.Report> report : reports) {
        FreshnessCheck.Report r = report.get();
        assertTrue(r.errors().isEmpty(), r.errors().toString());
        assertEquals(1, r.staleStages());
        raised += r.alertsRaised();
      }
      assertEquals(1, raised);
      assertEquals(1, publisher.confirmed().size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailedPublishIsRetriedByTheNextRunUnderTheSameId() throws Exception {
    new FleetScenes(store(), T0).runningStale(T0);
    Instant now = T0.plus(Duration.ofHours(7));
    publisher.failing(true);

    FreshnessCheck.Report failed = check(now).run();

    assertEquals(FreshnessCheck.Outcome.FAILED, failed.stale().get(0).outcome());
    assertEquals(1, failed.errors().size());
    assertTrue(failed.errors().get(0).message().contains("geniesim_export"));
    publisher.failing(false);

    FreshnessCheck.Report retried = check(now.plus(Duration.ofMinutes(1))).run();

    assertEquals(1, retried.alertsRaised(), "released at once, not after the lease");
    assertEquals(failed.stale().get(0).alertId(), alerts().get(0).alertId());
    assertEquals(
        now.toString(),
        alerts().get(0).alert().occurredAt(),
        "the alert as first built, published again");
  }

  @Test
  void aClaimOfARunThatDiedIsTakenOverOnceItsLeaseRanOut() throws Exception {
    new FleetScenes(store(), T0).runningStale(T0);
    Instant now = T0.plus(Duration.ofHours(7));
    // A run that claimed the alert and died before publishing.
    RecordingPublisher dead = new RecordingPublisher();
    dead.failing(true);
    FreshnessLedger ledger =
        new FreshnessLedger(store(), FreshnessLedger.DEFAULT_PREFIX, FreshnessCheck.DEFAULT_LEASE);
    String submitted = "scenes/" + FleetScenes.RUNNING_STALE + "/geniesim/.geniesim_submitted";
    MarkerRef marker = MarkerRef.of(submitted, store().stat(submitted).orElseThrow().generation());
    var alert = EventJson.MAPPER.createObjectNode().put("alert_id", "x").put("status", "running");
    ledger.claim(FleetScenes.RUNNING_STALE, "geniesim_export", marker, "x", alert, "dead-run", now);

    FreshnessCheck.Report held = check(now.plus(Duration.ofMinutes(1))).run();
    assertEquals(FreshnessCheck.Outcome.HELD_ELSEWHERE, held.stale().get(0).outcome());
    assertTrue(publisher.confirmed().isEmpty());

    FreshnessCheck.Report taken = check(now.plus(Duration.ofMinutes(6))).run();
    assertEquals(FreshnessCheck.Outcome.RAISED, taken.stale().get(0).outcome());
    assertEquals(
        "{\"alert_id\":\"x\",\"status\":\"running\"}",
        new String(publisher.confirmed().get(0).data(), java.nio.charset.StandardCharsets.UTF_8),
        "the alert the dead run recorded, as it was");
    var doc = ledger.find(FleetScenes.RUNNING_STALE).orElseThrow();
    FreshnessLedger.Entry entry = doc.stages().get("geniesim_export");
    assertEquals(marker, entry.marker());
    assertEquals(now.plus(Duration.ofMinutes(6)).toString(), entry.raisedAt());
    assertNull(entry.alert(), "nothing left to publish");
    assertNull(entry.claimedBy());
  }

  @Test
  void anUnreadableStateIsReportedAndTheOthersAreChecked() throws Exception {
    FleetScenes scenes = new FleetScenes(store(), T0);
    scenes.runningStale(T0);
    scenes.unreadable(FleetScenes.BROKEN, "{ not json");

    FreshnessCheck.Report report = check(T0.plus(Duration.ofHours(7))).run();

    assertEquals(1, report.alertsRaised());
    assertEquals(1, report.errors().size());
    assertEquals(FleetScenes.BROKEN, report.errors().get(0).sceneId());
    assertTrue(report.errors().get(0).message().contains("unreadable"));
  }

  @Test
  void staleStagesAreAGaugePerStageAndAlertsACounter() throws Exception {
    FleetScenes scenes = new FleetScenes(store(), T0);
    scenes.runningStale(T0);
    scenes.waitingStale(T0);
    Instant now = T0.plus(Duration.ofHours(30));

    check(T0.plus(Duration.ofHours(7))).run(); // only geniesim_export is stale then
    check(now).run();
    check(now).run();

    assertEquals(
        1.0,
        meters.get(FreshnessMeters.STALE_STAGES).tag("stage", "geniesim_export").gauge().value());
    assertEquals(1.0, meters.get(FreshnessMeters.STALE_STAGES).tag("stage", "dwm").gauge().value());
    assertEquals(
        0.0, meters.get(FreshnessMeters.STALE_STAGES).tag("stage", "regen3d").gauge().value());
    assertEquals(
        2.0, meters.get(FreshnessMeters.ALERTS).tag("outcome", "raised").counter().count());
    assertEquals(
        3.0, meters.get(FreshnessMeters.ALERTS).tag("outcome", "already_raised").counter().count());
    assertEquals(2, publisher.confirmed().size());
  }

  @Test
  void aStoppedRunRaisesNothingMoreAndSaysItIsIncomplete() throws Exception {
    new FleetScenes(store(), T0).runningStale(T0);
    FreshnessCheck.Report stopped = check(T0.plus(Duration.ofHours(7))).run(() -> true);
    assertFalse(stopped.complete());
    assertTrue(publisher.confirmed().isEmpty());
    FreshnessCheck.Report next = check(T0.plus(Duration.ofHours(8))).run();
    assertTrue(next.complete());
    assertEquals(1, next.alertsRaised(), "the next run takes it up");
  }
}
