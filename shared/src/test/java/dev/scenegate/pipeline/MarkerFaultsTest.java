package dev.scenegate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.events.EventJson;
import dev.scenegate.scene.SceneConfig;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.storage.PreconditionFailedException;
import dev.scenegate.storage.TransientStorageException;
import dev.scenegate.testing.RecordingPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transient faults are thrown for the platform to retry; poison input never is. */
class MarkerFaultsTest {
  @TempDir Path dir;

  @Test
  void aStorageFaultWhileVerifyingThrowsAndWritesNothing() throws Exception {
    FaultyStore store = new FaultyStore(new LocalObjectStore(dir));
    HandlerHarness h = new HandlerHarness(store, "kitchen_001", Map.of("VERIFY_THREADS", "2"));
    h.scene.writeAllPassing();
    Trigger marker = h.scene.marker("assets/.regen3d_complete");
    store.fault =
        (op, name) -> {
          if (op.equals("open") && name.endsWith(".glb")) {
            throw new TransientStorageException("connection reset");
          }
        };
    assertThrows(TransientStorageException.class, () -> h.deliver(marker));
    assertTrue(
        h.handler.stateStore(store.bucket()).find("kitchen_001").isEmpty(), "nothing recorded");
    assertTrue(h.publisher.confirmed().isEmpty());
    assertEquals(1.0, h.counter("scenegate.marker.events", "outcome", "failed"));

    store.fault = (op, name) -> {};
    assertEquals(MarkerHandler.DeliveryOutcome.PROCESSED, h.deliver(marker).outcome());
    assertEquals(StageStatus.PASSED, h.status(Stage.REGEN3D));
  }

  @Test
  void conflictsBeyondTheBudgetThrowTransiently() throws Exception {
    FaultyStore store = new FaultyStore(new LocalObjectStore(dir));
    HandlerHarness h =
        new HandlerHarness(
            store, "kitchen_001", Map.of("VERIFY_THREADS", "1", "STATE_CONFLICT_RETRIES", "4"));
    h.scene.writeAllPassing();
    AtomicInteger stateWrites = new AtomicInteger();
    store.fault =
        (op, name) -> {
          if (op.equals("write") && name.startsWith("_scenegate/state/")) {
            stateWrites.incrementAndGet();
            throw new PreconditionFailedException(name, "someone else wrote first");
          }
        };
    Trigger marker = h.scene.marker("usd/.usd_complete");
    TransientStorageException e =
        assertThrows(TransientStorageException.class, () -> h.deliver(marker));
    assertTrue(e.getMessage().contains("compare-and-set"), e.getMessage());
    assertEquals(4, stateWrites.get());
    assertEquals(4.0, h.counter("scenegate.state.conflicts"));
    assertTrue(h.publisher.confirmed().isEmpty());
  }

  @Test
  void aConflictIsRetriedAndTheOtherWritersUpdateKept() throws Exception {
    FaultyStore store = new FaultyStore(new LocalObjectStore(dir));
    HandlerHarness h = new HandlerHarness(store, "kitchen_001", Map.of("VERIFY_THREADS", "1"));
    h.scene.writeAllPassing();
    Trigger usd = h.scene.marker("usd/.usd_complete");
    Trigger regen3d = h.scene.marker("assets/.regen3d_complete");
    AtomicInteger once = new AtomicInteger();
    // Just before the usd delivery writes its state, another delivery (regen3d) commits.
    store.fault =
        (op, name) -> {
          if (op.equals("write")
              && name.startsWith("_scenegate/state/")
              && once.getAndIncrement() == 0) {
            store.fault = (o, n) -> {};
            h.deliver(regen3d);
          }
        };
    h.deliver(usd);
    SceneState state = h.state();
    assertEquals(StageStatus.PASSED, state.stage(Stage.USD).status());
    assertEquals(StageStatus.PASSED, state.stage(Stage.REGEN3D).status());
    assertTrue(state.processed().contains(usd.key()));
    assertTrue(state.processed().contains(regen3d.key()));
    assertEquals(1.0, h.counter("scenegate.state.conflicts"));
  }

  @Test
  void aFailingFailedMarkerWriteIsRetriedFromTheOutbox() throws Exception {
    FaultyStore store = new FaultyStore(new LocalObjectStore(dir));
    HandlerHarness h = new HandlerHarness(store, "kitchen_001", Map.of("VERIFY_THREADS", "1"));
    h.scene.writeAllPassing();
    h.scene.corruptAsset();
    Trigger marker = h.scene.marker("assets/.regen3d_complete");
    store.fault =
        (op, name) -> {
          if (op.equals("write") && name.endsWith("/.failed")) {
            throw new TransientStorageException("503");
          }
        };
    assertThrows(TransientStorageException.class, () -> h.deliver(marker));
    assertEquals(StageStatus.FAILED, h.status(Stage.REGEN3D));
    assertFalse(h.state().outbox().isEmpty());
    assertTrue(h.publisher.confirmed().isEmpty(), "order kept: nothing after the failed entry");
    store.fault = (op, name) -> {};
    assertEquals(MarkerHandler.DeliveryOutcome.DUPLICATE, h.deliver(marker).outcome());
    assertTrue(store.stat("scenes/kitchen_001/assets/.failed").isPresent());
    assertEquals(3, h.publisher.confirmed().size());
    assertTrue(h.state().outbox().isEmpty());
  }

  @Test
  void anUnreadableStateDocumentIsSetAsideAndRebuilt() throws Exception {
    LocalObjectStore local = new LocalObjectStore(dir);
    HandlerHarness h = new HandlerHarness(local, "kitchen_001", Map.of("VERIFY_THREADS", "1"));
    h.scene.writeAllPassing();
    local.write(
        "_scenegate/state/kitchen_001.json",
        "{ torn".getBytes(StandardCharsets.UTF_8),
        "application/json",
        Map.of(),
        Precondition.none());
    assertEquals(
        MarkerHandler.DeliveryOutcome.PROCESSED, h.deliver("assets/.regen3d_complete").outcome());
    assertEquals(StageStatus.PASSED, h.status(Stage.REGEN3D));
    assertTrue(
        local.list("_scenegate/state/").stream()
            .anyMatch(o -> o.name().startsWith("_scenegate/state/kitchen_001.corrupt-")),
        "the torn document is kept for inspection");
  }

  @Test
  void oversizeAndMalformedReportsFailTheGateWithoutRetry() throws Exception {
    HandlerHarness h = new HandlerHarness(dir, "kitchen_001");
    h.scene.writeAllPassing();
    h.scene.put("episodes/quality/validation_report.json", new byte[17 * 1024 * 1024]);
    h.deliver("usd/.usd_complete");
    assertEquals(
        MarkerHandler.DeliveryOutcome.PROCESSED,
        h.deliver("episodes/.episodes_complete").outcome());
    assertEquals(StageStatus.FAILED, h.status(Stage.EPISODES));
    assertEquals("gate_failure", h.publisher.alerts().get(0).path("kind").asText());
    assertTrue(h.store.stat("scenes/kitchen_001/episodes/.failed").isPresent());

    h.scene.writeManifestRaw("episodes/import_manifest.json", "{\"quality\": [not json");
    h.deliver("variation_assets/.variation_pipeline_complete");
    h.deliver("geniesim/.geniesim_complete");
    h.deliver("geniesim/.geniesim_import_complete");
    assertEquals(StageStatus.FAILED, h.status(Stage.GENIESIM_IMPORT));
    assertTrue(
        h.state().stage(Stage.GENIESIM_IMPORT).outcome().reason().contains("import_manifest.json"),
        h.state().stage(Stage.GENIESIM_IMPORT).outcome().reason());
  }

  @Test
  void malformedConfigKeepsGeniesimAndSaysWhy() throws Exception {
    HandlerHarness h = new HandlerHarness(dir, "kitchen_001");
    h.scene.writeAllPassing();
    h.scene.writeManifestRaw("config.json", "{\"use_geniesim\": \"perhaps\"}");
    h.deliver("variation_assets/.variation_pipeline_complete");
    h.deliver("geniesim/.geniesim_complete");
    SceneState state = h.state();
    assertEquals(StageStatus.PASSED, state.stage(Stage.GENIESIM_EXPORT).status());
    assertTrue(state.config().useGeniesim());
    assertEquals("use_geniesim is not a boolean", state.config().problem());
    assertFalse(
        SceneConfig.parse("c", 1, "{\"use_geniesim\":\"false\"}".getBytes(StandardCharsets.UTF_8))
            .config()
            .useGeniesim());
  }

  @Test
  void aSeparateStateBucketHoldsTheStateAndTheDataBucketTheFailedMarker() throws Exception {
    LocalObjectStore data = new LocalObjectStore(dir.resolve("data"));
    LocalObjectStore states = new LocalObjectStore(dir.resolve("states"));
    RecordingPublisher publisher = new RecordingPublisher();
    MarkerHandler handler =
        new MarkerHandler(
            bucket -> bucket.equals(states.bucket()) ? states : data,
            publisher,
            new SimpleMeterRegistry(),
            MarkerConfig.fromEnv(
                Map.of(
                    "STATE_BUCKET", states.bucket(),
                    "STATE_PREFIX", "scene-state",
                    "VERIFY_THREADS", "1")),
            Clock.systemUTC());
    SceneFixture scene = new SceneFixture(data, "kitchen_001").writeAllPassing();
    scene.corruptAsset();
    handler.handle(scene.marker("assets/.regen3d_complete"));
    assertTrue(states.stat("scene-state/kitchen_001.json").isPresent());
    assertTrue(data.list("_scenegate/").isEmpty());
    assertTrue(data.stat("scenes/kitchen_001/assets/.failed").isPresent());
    assertEquals(3, publisher.confirmed().size());
  }

  @Test
  void configFromEnvironment() {
    MarkerConfig defaults = MarkerConfig.fromEnv(Map.of());
    assertEquals(null, defaults.stateBucket());
    assertEquals(null, defaults.dataBucket());
    assertEquals("_scenegate/state/", defaults.statePrefix());
    assertEquals("stage-events", defaults.stageEventsTopic());
    assertEquals("checksum-alerts", defaults.checksumAlertsTopic());
    assertEquals(25, defaults.conflictRetries());
    assertEquals(0.85, defaults.thresholds().minQualityScore());
    MarkerConfig custom =
        MarkerConfig.fromEnv(
            Map.of(
                "STATE_BUCKET", "states",
                "STATE_PREFIX", "x/",
                "GOOGLE_CLOUD_PROJECT", "p",
                "STAGE_EVENTS_TOPIC", "se",
                "CHECKSUM_ALERTS_TOPIC", "ca",
                "VERIFY_THREADS", "3",
                "MIN_QUALITY_SCORE", "0.9"));
    assertEquals("states", custom.stateBucket());
    assertEquals("x/", custom.statePrefix());
    assertEquals("p", custom.project());
    assertEquals("se", custom.stageEventsTopic());
    assertEquals("ca", custom.checksumAlertsTopic());
    assertEquals(3, custom.verifyThreads());
    assertEquals(0.9, custom.thresholds().minQualityScore());
    assertThrows(
        IllegalArgumentException.class, () -> MarkerConfig.fromEnv(Map.of("VERIFY_THREADS", "x")));
    assertThrows(
        IllegalArgumentException.class, () -> MarkerConfig.fromEnv(Map.of("VERIFY_THREADS", "0")));
    assertThrows(
        IllegalArgumentException.class,
        () -> MarkerConfig.fromEnv(Map.of("MIN_QUALITY_SCORE", "high")));
  }

  @Test
  void stateDocumentRoundTrips() throws Exception {
    HandlerHarness h = new HandlerHarness(dir, "kitchen_001");
    h.scene.writeAllPassing();
    h.scene.corruptAsset();
    h.deliver("assets/.regen3d_complete");
    h.deliver("dwm/.dwm_complete");
    SceneState state = h.state();
    String json = state.toJson().toString();
    SceneState again = SceneState.fromJson(EventJson.MAPPER.readTree(json));
    assertEquals(json, again.toJson().toString());
    assertEquals(StateCanon.of(state), StateCanon.of(again));
  }
}
