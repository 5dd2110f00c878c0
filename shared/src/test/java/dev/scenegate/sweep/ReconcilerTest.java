package dev.scenegate.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.Topic;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.MarkerRef;
import dev.scenegate.pipeline.SceneFixture;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.pipeline.StageRecord;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.pipeline.Trigger;
import dev.scenegate.pipeline.Verdict;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.testing.RecordingPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reconcile and redrive on a local folder bucket, through the marker function's handler. */
class ReconcilerTest {
  @TempDir Path root;

  private final RecordingPublisher publisher = new RecordingPublisher();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private LocalObjectStore store() {
    return new LocalObjectStore(root);
  }

  private MarkerHandler handler(LocalObjectStore store) {
    return new MarkerHandler(
        store,
        publisher,
        registry,
        MarkerConfig.fromEnv(Map.of("VERIFY_THREADS", "2")),
        Clock.systemUTC());
  }

  private Reconciler.Reconciliation reconcile(String scene, boolean dryRun) throws IOException {
    LocalObjectStore store = store();
    return new Reconciler(
            store, handler(store), SweepMeters.boundTo(registry), Clock.systemUTC(), scene, dryRun)
        .reconcile(() -> false);
  }

  private SceneState state(String scene) throws IOException {
    return new SceneStateStore(store(), null).inspect(scene).orElseThrow().state();
  }

  /** What must not depend on how the markers arrived: statuses, deciding markers, verdicts. */
  private static String canon(SceneState state) {
    StringBuilder text = new StringBuilder("verdict=" + state.verdict().wireName());
    String prefix = "scenes/" + state.sceneId() + "/";
    for (Stage stage : Stage.values()) {
      StageRecord r = state.stage(stage);
      text.append('\n')
          .append(stage.wireName())
          .append('=')
          .append(r.status().wireName())
          .append(' ')
          .append(r.trigger() == null ? null : r.trigger().object().replace(prefix, ""))
          .append(' ')
          .append(r.details().path("reason").asText(null))
          .append(' ')
          .append(r.markers().keySet().stream().map(k -> k.replace(prefix, "")).toList());
    }
    return text.toString();
  }

  @Test
  void lostMarkersAreReDrivenAndEndAsLiveDeliveriesWould() throws Exception {
    LocalObjectStore store = store();
    SceneFixture live = new SceneFixture(store, "live_001").writeAllPassing();
    MarkerHandler handler = handler(store);
    for (Trigger t : live.allMarkers()) {
      handler.handle(t);
    }
    SceneFixture lost = new SceneFixture(store, "lost_001").writeAllPassing();
    List<Trigger> lostMarkers = lost.allMarkers(); // written; no event ever delivered

    Reconciler.Reconciliation first = reconcile(null, false);

    assertEquals(18, first.report().markersSeen());
    Set<MarkerRef> expected = new HashSet<>();
    lostMarkers.forEach(t -> expected.add(MarkerRef.of(t.object(), t.generation())));
    assertEquals(expected, new HashSet<>(first.report().redriven()));
    assertEquals(List.of(), first.report().errors());
    assertTrue(first.complete());
    assertEquals(List.of(), first.failedStages());
    assertEquals(canon(state("live_001")), canon(state("lost_001")));
    assertEquals(Verdict.PASSED, state("lost_001").verdict());
    assertEquals(
        9.0,
        registry.find(SweepMeters.REDRIVEN).counters().stream().mapToDouble(c -> c.count()).sum());

    Reconciler.Reconciliation second = reconcile(null, false);
    assertEquals(18, second.report().markersSeen());
    assertEquals(List.of(), second.report().redriven());

    // A late delivery of a re-driven marker's real event is a duplicate.
    int published = publisher.confirmed().size();
    assertEquals(
        MarkerHandler.DeliveryOutcome.DUPLICATE,
        handler(store).handle(lostMarkers.get(3)).outcome());
    assertEquals(published, publisher.confirmed().size());
  }

  @Test
  void theJsonReportHasExactlyTheContractsFields() throws Exception {
    LocalObjectStore store = store();
    SceneFixture scene = new SceneFixture(store, "k1").writeAllPassing();
    Trigger regen = scene.marker("assets/.regen3d_complete");
    JsonNode json = EventJson.MAPPER.valueToTree(reconcile(null, false).report());
    assertEquals(List.of("markers_seen", "redriven", "errors"), fieldNames(json), json.toString());
    assertEquals(2, json.path("markers_seen").asLong());
    JsonNode redriven = json.path("redriven").get(1);
    assertEquals(List.of("object", "generation"), fieldNames(redriven));
    assertEquals(regen.object(), redriven.path("object").asText());
    assertEquals(Long.toString(regen.generation()), redriven.path("generation").asText());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void aDryRunListsWithoutHandling() throws Exception {
    LocalObjectStore store = store();
    new SceneFixture(store, "k1").writeAllPassing().allMarkers();
    Reconciler.Reconciliation dry = reconcile("k1", true);
    assertEquals(9, dry.report().redriven().size());
    assertFalse(Files.exists(root.resolve("_scenegate/state/k1.json")));
    assertEquals(List.of(), publisher.confirmed());
  }

  @Test
  void aReDrivenMarkerThatFailsAStageIsReported() throws Exception {
    LocalObjectStore store = store();
    SceneFixture scene = new SceneFixture(store, "k1").writeAllPassing();
    scene.corruptAsset();
    scene.marker("assets/.regen3d_complete");
    Reconciler.Reconciliation done = reconcile(null, false);
    assertEquals(List.of("k1/regen3d"), done.failedStages());
    assertEquals(StageStatus.FAILED, state("k1").stage(Stage.REGEN3D).status());
  }

  @Test
  void anUnreadableStateIsReportedAndLeftAsItIs() throws Exception {
    LocalObjectStore store = store();
    new SceneFixture(store, "torn").writeAllPassing().marker("assets/.regen3d_complete");
    byte[] torn = "{\"schema_version\": \"1.0\", \"scene_id\": ".getBytes(StandardCharsets.UTF_8);
    store.write(
        "_scenegate/state/torn.json", torn, "application/json", Map.of(), Precondition.none());
    new SceneFixture(store, "fine").writeAllPassing().marker("dwm/.dwm_complete");

    Reconciler.Reconciliation done = reconcile(null, false);

    assertEquals(1, done.report().errors().size(), done.toString());
    assertEquals("_scenegate/state/torn.json", done.report().errors().get(0).object());
    assertTrue(done.report().errors().get(0).message().contains("unreadable"), done.toString());
    assertArrayEquals(torn, Files.readAllBytes(root.resolve("_scenegate/state/torn.json")));
    assertFalse(
        Files.exists(
            root.resolve("_scenegate/state")
                .resolve(
                    "torn.corrupt-"
                        + store.stat("_scenegate/state/torn.json").orElseThrow().generation()
                        + ".json")));
    // The other scene is reconciled all the same.
    assertEquals(2, done.report().redriven().size(), done.toString());
  }

  @Test
  void aFolderThatIsNotASceneIdIsSkippedWithAWarning() throws Exception {
    LocalObjectStore store = store();
    new SceneFixture(store, "-not-an-id").writeAllPassing().marker("assets/.regen3d_complete");
    new SceneFixture(store, "k1").writeAllPassing();

    Reconciler.Reconciliation done = reconcile(null, false);

    assertEquals(1, done.report().markersSeen());
    assertEquals(1, done.warnings().size());
    assertTrue(done.warnings().get(0).contains("scenes/-not-an-id/"), done.warnings().toString());
    assertFalse(Files.exists(root.resolve("_scenegate/state/-not-an-id.json")));
  }

  /**
   * A reconcile racing a live delivery of the same marker: the handler's compare-and-set lets one
   * of them process it, the other is a duplicate; the state changes once and each event is
   * published once.
   */
  @Test
  void aReconcileRacingALiveDeliveryChangesTheStateOnce() throws Exception {
    LocalObjectStore store = store();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 8; round++) {
        String id = "race_" + round;
        SceneFixture scene = new SceneFixture(store, id).writeAllPassing();
        Trigger source = scene.existing("source_checksums.json");
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Reconciler.Reconciliation> sweep =
            pool.submit(
                () -> {
                  start.await();
                  return reconcile(id, false);
                });
        Future<MarkerHandler.Result> live =
            pool.submit(
                () -> {
                  start.await();
                  return handler(store).handle(source);
                });
        int processed =
            sweep.get().report().redriven().size()
                + (live.get().outcome() == MarkerHandler.DeliveryOutcome.PROCESSED ? 1 : 0);
        assertEquals(1, processed, "round " + round);
        SceneState state = state(id);
        assertEquals(List.of(source.key()), state.processed());
        assertEquals(StageStatus.PASSED, state.stage(Stage.SOURCE_IMAGE).status());
        assertEquals(List.of(), state.outbox());
      }
      List<String> ids = new ArrayList<>();
      publisher.payloads(Topic.STAGE_EVENTS).forEach(e -> ids.add(e.path("event_id").asText()));
      assertEquals(new HashSet<>(ids).size(), ids.size(), "each event published once: " + ids);
      assertEquals(16, ids.size(), ids.toString()); // source_image passed, e2e running: per round
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void redriveAfterRestoringACorruptedAssetPassesTheStageAndTheVerdict() throws Exception {
    LocalObjectStore store = store();
    SceneFixture scene = new SceneFixture(store, "k1").writeAllPassing();
    scene.writeConfig(false);
    scene.corruptAsset();
    MarkerHandler handler = handler(store);
    for (Trigger t : scene.allMarkers()) {
      handler.handle(t);
    }
    assertEquals(StageStatus.FAILED, state("k1").stage(Stage.REGEN3D).status());
    assertEquals(StageStatus.WAITING, state("k1").stage(Stage.DWM).status());
    assertEquals(Verdict.FAILED, state("k1").verdict());
    Set<String> before = eventIds();

    scene.restoreAssets(); // in place: no marker is uploaded again
    Redriver redriver = new Redriver(store, handler);
    Redriver.Redrive regen = redriver.redrive("k1", Stage.REGEN3D);

    assertTrue(regen.cause().startsWith("redrive:"), regen.cause());
    assertEquals(StageStatus.PASSED, regen.status());
    assertTrue(regen.satisfied());
    assertEquals(StageStatus.PASSED, state("k1").stage(Stage.DWM).status(), "dwm follows");
    assertEquals(Verdict.FAILED, regen.verdict(), "variation_assets and usd still failed");
    assertTrue(redriver.redrive("k1", Stage.VARIATION_ASSETS).satisfied());
    Redriver.Redrive usd = redriver.redrive("k1", Stage.USD);
    assertTrue(usd.satisfied());
    assertEquals(Verdict.PASSED, usd.verdict());
    assertEquals(StageStatus.PASSED, state("k1").stage(Stage.EPISODES).status());
    assertFalse(Files.exists(root.resolve("scenes/k1/assets/.failed")));

    // New causes, new event ids; a redrive of a stage that passes again publishes again.
    Set<String> after = eventIds();
    assertTrue(after.containsAll(before));
    Redriver.Redrive again = redriver.redrive("k1", Stage.REGEN3D);
    assertEquals(StageStatus.PASSED, again.status());
    assertNotEquals(regen.cause(), again.cause());
    assertEquals(
        2,
        publisher.payloads(Topic.STAGE_EVENTS).stream()
            .filter(e -> e.path("stage").asText().equals("regen3d"))
            .filter(e -> e.path("status").asText().equals("passed"))
            .count());
  }

  @Test
  void redriveNeedsAMarker() throws Exception {
    LocalObjectStore store = store();
    new SceneFixture(store, "k1").writeAllPassing();
    Redriver redriver = new Redriver(store, handler(store));
    Redriver.NoMarkerException e =
        assertThrows(Redriver.NoMarkerException.class, () -> redriver.redrive("k1", Stage.USD));
    assertTrue(e.getMessage().contains("usd/.usd_complete"), e.getMessage());
  }

  private Set<String> eventIds() {
    Set<String> ids = new HashSet<>();
    publisher.payloads(Topic.STAGE_EVENTS).forEach(e -> ids.add(e.path("event_id").asText()));
    return ids;
  }
}
