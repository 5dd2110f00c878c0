package dev.scenegate.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.PubSubConfig;
import dev.scenegate.events.PubSubEventPublisher;
import dev.scenegate.fleet.Deadlines;
import dev.scenegate.fleet.FleetReader;
import dev.scenegate.fleet.FleetScenes;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.PubSubEmulator;
import dev.scenegate.testing.PulledMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The freshness check against fake-gcs-server (states written by the real marker handler, the
 * ledger by compare-and-set on real generations) publishing to the Pub/Sub emulator.
 */
class FreshnessCheckGcsIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsAndPubSub();

  static final Instant T0 = Instant.parse("2026-12-01T02:00:00Z");

  @Test
  void aSubmittedMarkerOlderThanSlaRunningGivesExactlyOneAlertOnTheTopicAcrossThreeSweeps()
      throws Exception {
    String bucket = EMULATORS.gcs().createBucket("fresh");
    GcsObjectStore store = new GcsObjectStore(EMULATORS.gcs().storage(), bucket);
    FleetScenes scenes = new FleetScenes(store, T0);
    scenes.runningStale(T0);
    scenes.waitingStale(T0);
    PubSubEmulator pubSub = EMULATORS.pubSub();
    String topic = pubSub.createTopic("checksum-alerts");
    String subscription = pubSub.createSubscription(topic, true);
    PubSubConfig config =
        PubSubConfig.fromEnvironment(
            Map.of(
                "PUBSUB_EMULATOR_HOST",
                pubSub.host(),
                "GOOGLE_CLOUD_PROJECT",
                pubSub.projectId(),
                "STAGE_EVENTS_TOPIC",
                "unused-stage-events",
                "CHECKSUM_ALERTS_TOPIC",
                topic));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Instant now = T0.plus(Duration.ofHours(7)); // running past 6 h; waiting 7 h of 24 h
    int raised = 0;
    try (PubSubEventPublisher publisher = new PubSubEventPublisher(config)) {
      for (int sweep = 0; sweep < 3; sweep++) {
        Clock clock = Clock.fixed(now.plus(Duration.ofHours(sweep)), ZoneOffset.UTC);
        try (FleetReader reader =
            new FleetReader(
                store, SceneStateStore.DEFAULT_PREFIX, Deadlines.defaults(), clock, 4)) {
          FreshnessCheck.Report report = new FreshnessCheck(reader, publisher, clock, meters).run();
          assertTrue(report.errors().isEmpty(), report.errors().toString());
          assertEquals(1, report.staleStages());
          raised += report.alertsRaised();
        }
      }
    }
    assertEquals(1, raised);
    // A sentinel behind the alerts, same ordering key: whatever the sweeps published arrives
    // before it, so the first message that is not an alert ends the count without a timeout.
    pubSub.publish(
        topic,
        "{\"sentinel\":true}".getBytes(StandardCharsets.UTF_8),
        Map.of(),
        FleetScenes.RUNNING_STALE);
    List<PulledMessage> messages = pubSub.awaitMessages(subscription, 2);
    assertEquals(2, messages.size(), messages.toString());
    PulledMessage alert = messages.get(0);
    assertEquals("{\"sentinel\":true}", messages.get(1).text(), "exactly one alert before it");
    assertEquals(
        Map.of("scene_id", FleetScenes.RUNNING_STALE, "kind", "freshness", "severity", "warning"),
        alert.attributes());
    assertEquals(FleetScenes.RUNNING_STALE, alert.orderingKey());
    JsonNode json = EventJson.MAPPER.readTree(alert.data());
    assertEquals("geniesim_export", json.path("stage").asText());
    assertEquals("running", json.path("status").asText());
    assertEquals(T0.toString(), json.path("since").asText());
    assertEquals(bucket, json.path("bucket").asText());
    String submitted = "scenes/" + FleetScenes.RUNNING_STALE + "/geniesim/.geniesim_submitted";
    assertEquals(submitted, json.path("marker").path("object").asText());
    assertEquals(
        Long.toString(store.stat(submitted).orElseThrow().generation()),
        json.path("marker").path("generation").asText());
    assertTrue(
        store
            .stat(FreshnessLedger.DEFAULT_PREFIX + FleetScenes.RUNNING_STALE + ".json")
            .isPresent(),
        "the ledger document is in the state bucket");
  }
}
