package dev.scenegate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.logging.Severity;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.TransientStorageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN's delivery rules as properties: markers delivered in any order, with duplicates, end in
 * the state that in-order delivery gives; concurrent deliveries for one scene lose no update.
 */
class DeliveryOrderTest {
  @TempDir Path dir;

  /** Thousands of deliveries: keep the test log to warnings. */
  @BeforeAll
  static void quiet() {
    JsonLog.threshold(Severity.WARNING);
  }

  @AfterAll
  static void loud() {
    JsonLog.threshold(Severity.INFO);
  }

  /** A scene whose bucket content is fixed before any delivery, with its triggers. */
  private record Scenario(LocalObjectStore store, String sceneId, List<Trigger> triggers) {}

  private Scenario allPassing() throws IOException {
    LocalObjectStore store = new LocalObjectStore(dir.resolve("a"));
    SceneFixture scene = new SceneFixture(store, "kitchen_001").writeAllPassing();
    List<Trigger> triggers = new ArrayList<>();
    triggers.add(scene.existing("source_checksums.json"));
    triggers.add(scene.marker("assets/.regen3d_complete"));
    triggers.add(scene.marker("variation_assets/.variation_pipeline_complete"));
    triggers.add(scene.marker("usd/.usd_complete"));
    triggers.add(scene.marker("geniesim/.geniesim_submitted"));
    triggers.add(scene.marker("geniesim/.geniesim_complete"));
    triggers.add(scene.marker("episodes/.episodes_complete"));
    triggers.add(scene.marker("geniesim/.geniesim_import_complete"));
    triggers.add(scene.marker("dwm/.dwm_complete"));
    // Re-runs: newer generations of two markers.
    triggers.add(scene.marker("assets/.regen3d_complete"));
    triggers.add(scene.marker("usd/.usd_complete"));
    return new Scenario(store, scene.sceneId(), triggers);
  }

  private Scenario gateFailsAndGeniesimSkipped() throws IOException {
    LocalObjectStore store = new LocalObjectStore(dir.resolve("b"));
    SceneFixture scene = new SceneFixture(store, "garage_7").writeAllPassing();
    scene.writeEpisodeReports(false);
    scene.writeConfig(false);
    List<Trigger> triggers = new ArrayList<>();
    for (String marker : SceneFixture.MARKERS_IN_ORDER) {
      triggers.add(
          marker.equals("source_checksums.json") ? scene.existing(marker) : scene.marker(marker));
    }
    triggers.add(scene.marker("geniesim/.geniesim_submitted")); // newer, but skipped anyway
    return new Scenario(store, scene.sceneId(), triggers);
  }

  private Scenario corruptedAssets() throws IOException {
    LocalObjectStore store = new LocalObjectStore(dir.resolve("c"));
    SceneFixture scene = new SceneFixture(store, "attic.v2").writeAllPassing();
    scene.corruptAsset();
    List<Trigger> triggers = new ArrayList<>();
    for (String marker : SceneFixture.MARKERS_IN_ORDER) {
      triggers.add(
          marker.equals("source_checksums.json") ? scene.existing(marker) : scene.marker(marker));
    }
    return new Scenario(store, scene.sceneId(), triggers);
  }

  private static HandlerHarness harness(Scenario s, String statePrefix) {
    return new HandlerHarness(
        s.store(), s.sceneId(), Map.of("VERIFY_THREADS", "1", "STATE_PREFIX", statePrefix));
  }

  private static String inOrder(Scenario s) throws IOException {
    HandlerHarness h = harness(s, "_scenegate/state/in-order/");
    for (Trigger t : s.triggers()) {
      h.deliver(t);
    }
    return StateCanon.of(h.state());
  }

  /** Shuffled, each trigger delivered one to three times. */
  private static List<Trigger> shuffledWithDuplicates(List<Trigger> triggers, long seed) {
    Random random = new Random(seed);
    List<Trigger> deliveries = new ArrayList<>();
    for (Trigger t : triggers) {
      int copies = 1 + random.nextInt(3);
      for (int i = 0; i < copies; i++) {
        deliveries.add(t);
      }
    }
    Collections.shuffle(deliveries, random);
    return deliveries;
  }

  private void assertOrderIndependent(Scenario s, int seeds) throws IOException {
    String expected = inOrder(s);
    for (long seed = 1; seed <= seeds; seed++) {
      HandlerHarness h = harness(s, "_scenegate/state/seed-" + seed + "/");
      for (Trigger t : shuffledWithDuplicates(s.triggers(), seed)) {
        h.deliver(t);
      }
      SceneState state = h.state();
      assertEquals(expected, StateCanon.of(state), "seed " + seed);
      assertLastEventPerStageMatchesState(h, state, "seed " + seed);
    }
  }

  /** What subscribers saw last for each stage is what the state says: order held per scene. */
  private static void assertLastEventPerStageMatchesState(
      HandlerHarness h, SceneState state, String label) {
    Map<String, String> last = new LinkedHashMap<>();
    Set<String> ids = new HashSet<>();
    for (JsonNode e : h.publisher.stageEvents()) {
      last.put(e.path("stage").asText(), e.path("status").asText());
      ids.add(e.path("event_id").asText());
    }
    for (Stage stage : Stage.values()) {
      StageStatus status = state.stage(stage).status();
      if (status != StageStatus.PENDING) {
        assertEquals(status.wireName(), last.get(stage.wireName()), label + " " + stage);
      }
    }
    assertEquals(state.verdict().wireName(), last.get(SceneMachine.E2E), label + " e2e");
    assertEquals(ids.size(), h.publisher.stageEvents().size(), label + ": an event id twice");
  }

  @Test
  void allPassingSceneEndsTheSameInAnyOrder() throws Exception {
    Scenario s = allPassing();
    String expected = inOrder(s);
    assertTrue(expected.contains("\"verdict\" : \"passed\""), expected);
    assertOrderIndependent(s, 200);
  }

  @Test
  void gateFailureWithGeniesimSkippedEndsTheSameInAnyOrder() throws Exception {
    Scenario s = gateFailsAndGeniesimSkipped();
    String expected = inOrder(s);
    assertTrue(expected.contains("\"verdict\" : \"failed\""), expected);
    assertTrue(expected.contains("\"skipped\""), expected);
    assertOrderIndependent(s, 100);
  }

  @Test
  void corruptedAssetsEndTheSameInAnyOrder() throws Exception {
    Scenario s = corruptedAssets();
    String expected = inOrder(s);
    assertTrue(expected.contains("\"waiting\""), expected);
    assertOrderIndependent(s, 100);
  }

  @Test
  void concurrentDeliveriesForOneSceneLoseNoUpdate() throws Exception {
    Scenario s = allPassing();
    String expected = inOrder(s);
    for (int round = 0; round < 5; round++) {
      HandlerHarness h = harness(s, "_scenegate/state/concurrent-" + round + "/");
      List<Trigger> deliveries = shuffledWithDuplicates(s.triggers(), 1000 + round);
      runConcurrently(deliveries, h);
      SceneState state = h.state();
      assertEquals(expected, StateCanon.of(state), "round " + round);
      // Each transition recorded once, whoever won the races.
      for (Stage stage : Stage.values()) {
        List<Transition> history = state.stage(stage).history();
        assertEquals(new HashSet<>(history).size(), history.size(), "round " + round + " " + stage);
      }
    }
  }

  @Test
  void theSameMarkerDeliveredConcurrentlyIsOneTransitionAndOneEventId() throws Exception {
    Scenario s = allPassing();
    HandlerHarness h = harness(s, "_scenegate/state/same/");
    Trigger marker = s.triggers().get(1);
    int redeliveries = runConcurrently(Collections.nCopies(10, marker), h);
    SceneState state = h.state();
    assertEquals(StageStatus.PASSED, state.stage(Stage.REGEN3D).status());
    assertEquals(1, state.stage(Stage.REGEN3D).history().size());
    Set<String> ids = new HashSet<>();
    for (JsonNode e : h.publisher.stageEvents("regen3d")) {
      ids.add(e.path("event_id").asText());
    }
    assertEquals(1, ids.size());
    assertTrue(state.outbox().isEmpty());
    assertEquals(1.0, h.counter("scenegate.marker.events", "outcome", "processed"));
    assertEquals(9.0 + redeliveries, h.counter("scenegate.marker.events", "outcome", "duplicate"));
  }

  /** Platform redeliveries a delivery may get after a transient fault, as Eventarc retries. */
  private static final int REDELIVERIES = 20;

  /**
   * Delivers concurrently, redelivering what threw a transient fault (a duplicate that waited in
   * vain for another delivery's claim on a slow machine throws so the platform retries); returns
   * how many redeliveries that took.
   */
  private static int runConcurrently(List<Trigger> deliveries, HandlerHarness h) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger redeliveries = new AtomicInteger();
    try {
      List<Future<MarkerHandler.Result>> results = new ArrayList<>();
      for (Trigger t : deliveries) {
        Callable<MarkerHandler.Result> task =
            () -> {
              start.await();
              for (int redelivery = 0; ; redelivery++) {
                try {
                  return h.deliver(t);
                } catch (TransientStorageException e) {
                  if (redelivery >= REDELIVERIES) {
                    throw e;
                  }
                  redeliveries.incrementAndGet();
                }
              }
            };
        results.add(pool.submit(task));
      }
      start.countDown();
      for (Future<MarkerHandler.Result> r : results) {
        r.get(); // a lost race beyond the budget would surface here
      }
      return redeliveries.get();
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(5, TimeUnit.MINUTES));
    }
  }
}
