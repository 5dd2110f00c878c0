package dev.scenegate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.backfill.RateLimiter;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.PubSubConfig;
import dev.scenegate.events.PubSubEventPublisher;
import dev.scenegate.events.Topic;
import dev.scenegate.fleet.Deadlines;
import dev.scenegate.fleet.FleetReader;
import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.SceneFixture;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.PubSubEmulator;
import dev.scenegate.testing.PulledMessage;
import dev.scenegate.testing.RecordingPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The audit against fake-gcs-server (real generations and CRC32Cs, the ledger by compare-and-set)
 * publishing its fixity alert to the Pub/Sub emulator.
 */
class AuditGcsIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsAndPubSub();

  @Test
  void anAssetReplacedAfterRegen3dPassedGivesOneFixityAlertNamingIt() throws Exception {
    String bucket = EMULATORS.gcs().createBucket("audit");
    GcsObjectStore store = new GcsObjectStore(EMULATORS.gcs().storage(), bucket);
    SceneFixture scene = new SceneFixture(store, "k1").writeAllPassing();
    MarkerHandler handler =
        new MarkerHandler(
            store,
            new RecordingPublisher(),
            new SimpleMeterRegistry(),
            MarkerConfig.fromEnv(Map.of("VERIFY_THREADS", "2")),
            Clock.systemUTC());
    handler.handle(scene.existing("source_checksums.json"));
    handler.handle(scene.marker("assets/.regen3d_complete"));
    PubSubEmulator pubSub = EMULATORS.pubSub();
    String topic = pubSub.createTopic("checksum-alerts");
    String subscription = pubSub.createSubscription(topic, true);
    PubSubConfig config =
        PubSubConfig.emulator(pubSub.host(), pubSub.projectId())
            .withTopicName(Topic.CHECKSUM_ALERTS, topic);
    String asset = "scenes/k1/assets/obj_1/asset.glb";
    long verified;
    Audit.Report before;
    Audit.Report after;
    try (PubSubEventPublisher publisher = new PubSubEventPublisher(config);
        FleetReader states =
            new FleetReader(
                store,
                SceneStateStore.DEFAULT_PREFIX,
                Deadlines.defaults(),
                Clock.systemUTC(),
                4)) {
      Audit audit =
          new Audit(
              store,
              states,
              DigestLedger.forBucket(store, bucket),
              publisher,
              Clock.systemUTC(),
              new SimpleMeterRegistry());
      // A deep audit records what is there (what regen3d verified) in the ledger.
      before = audit.run(new Audit.Options(null, true, RateLimiter.unlimited()));
      verified = store.stat(asset).orElseThrow().generation();
      scene.corruptAsset();
      after = audit.run(Audit.Options.metadata());
    }
    assertEquals(List.of(), before.findings());
    assertEquals(1, after.findings().size(), after.findings().toString());
    AuditFinding finding = after.findings().get(0);
    assertEquals("obj_1/asset.glb", finding.path());
    assertEquals(AuditFinding.Kind.CHANGED, finding.kind());
    assertEquals(verified, finding.expectedGeneration());
    assertEquals(store.stat(asset).orElseThrow().generation(), finding.actualGeneration());
    assertEquals(0, after.bytesHashed());

    pubSub.publish(topic, "{\"sentinel\":true}".getBytes(StandardCharsets.UTF_8), Map.of(), "k1");
    List<PulledMessage> messages = pubSub.awaitMessages(subscription, 2);
    assertEquals(2, messages.size(), messages.toString());
    assertEquals("{\"sentinel\":true}", messages.get(1).text(), "exactly one alert before it");
    PulledMessage alert = messages.get(0);
    assertEquals(
        Map.of("scene_id", "k1", "kind", "fixity", "severity", "critical"), alert.attributes());
    JsonNode json = EventJson.MAPPER.readTree(alert.data());
    assertEquals(bucket, json.path("bucket").asText());
    assertEquals("scenes/k1/assets/source_checksums.json", json.path("manifest").asText());
    assertEquals(1, json.path("failures").size());
    JsonNode failure = json.path("failures").path(0);
    assertEquals("obj_1/asset.glb", failure.path("path").asText());
    assertEquals("CHANGED", failure.path("kind").asText());
    assertEquals(Long.toString(verified), failure.path("expected_generation").asText());
    assertTrue(json.path("remediation").toString().contains("scenegate redrive k1"));
  }
}
