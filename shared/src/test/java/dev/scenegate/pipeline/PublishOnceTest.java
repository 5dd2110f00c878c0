package dev.scenegate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.TransientStorageException;
import dev.scenegate.testing.RecordingPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN (event ids by cause, the amplification bound): an event id is a hash of the cause, stage
 * and status; what changes nothing publishes nothing; a delivery publishes what it recorded and not
 * what another live delivery holds; and no event is lost, also when a delivery crashes between the
 * state write and the publish.
 */
class PublishOnceTest {
  @TempDir Path dir;

  @Test
  void aFailedPrerequisiteRerunMakesAPassedDependentWaitingUnderANewEventId() throws Exception {
    HandlerHarness h = new HandlerHarness(dir, "rerun");
    h.scene.writeAllPassing();
    h.deliver("assets/.regen3d_complete");
    h.deliver("dwm/.dwm_complete");
    h.deliver("usd/.usd_complete");
    h.deliver("episodes/.episodes_complete");
    assertEquals(StageStatus.PASSED, h.status(Stage.EPISODES));
    // usd re-runs against corrupted assets: it fails, and episodes drops back to waiting.
    h.scene.corruptAsset();
    Trigger rerun = h.scene.marker("usd/.usd_complete");
    h.deliver(rerun);
    assertEquals(StageStatus.FAILED, h.status(Stage.USD));
    assertEquals(StageStatus.WAITING, h.status(Stage.EPISODES));
    List<JsonNode> episodes = h.publisher.stageEvents("episodes");
    JsonNode waiting = episodes.get(episodes.size() - 1);
    assertEquals("waiting", waiting.path("status").asText());
    assertEquals("passed", waiting.path("previous_status").asText());
    assertEquals(
        SceneMachine.eventId(rerun.key(), "episodes", "waiting"),
        waiting.path("event_id").asText(),
        "named by its cause, the usd re-run");
    Set<String> ids = new HashSet<>();
    h.publisher
        .stageEvents()
        .forEach(e -> assertTrue(ids.add(e.path("event_id").asText()), e.toString()));
  }

  @Test
  void aRerunThatPassesAgainPublishesUnderItsNewCause() throws Exception {
    HandlerHarness h = new HandlerHarness(dir, "again");
    h.scene.writeAllPassing();
    Trigger first = h.scene.marker("usd/.usd_complete");
    h.deliver(first);
    Trigger second = h.scene.marker("usd/.usd_complete");
    h.deliver(second);
    List<JsonNode> usd = h.publisher.stageEvents("usd");
    assertEquals(2, usd.size(), "each cause that decides the stage publishes");
    assertEquals(
        SceneMachine.eventId(first.key(), "usd", "passed"), usd.get(0).path("event_id").asText());
    assertEquals(
        SceneMachine.eventId(second.key(), "usd", "passed"), usd.get(1).path("event_id").asText());
  }

  @Test
  void aCompleteReplacingASubmittedOfAWaitingStagePublishesNothing() throws Exception {
    HandlerHarness h = new HandlerHarness(dir, "noop");
    h.scene.writeAllPassing();
    h.deliver("geniesim/.geniesim_submitted");
    assertEquals(StageStatus.WAITING, h.status(Stage.GENIESIM_EXPORT));
    int before = h.publisher.confirmed().size();
    h.deliver("geniesim/.geniesim_complete");
    assertEquals(StageStatus.WAITING, h.status(Stage.GENIESIM_EXPORT));
    assertEquals(before, h.publisher.confirmed().size(), "waiting -> waiting is not published");
    assertTrue(
        h.state().stage(Stage.GENIESIM_EXPORT).trigger().object().endsWith(".geniesim_complete"));
  }

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-22T18:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** A process dying mid-publish: nothing the handler catches. */
  static final class Crash extends Error {
    Crash() {
      super("the instance died");
    }
  }

  @Test
  void aDeliveryThatCrashesHoldingItsEventsLosesNoneAndTheRedeliveryPublishesThemOnce()
      throws Exception {
    LocalObjectStore store = new LocalObjectStore(dir);
    TestClock clock = new TestClock();
    RecordingPublisher recording = new RecordingPublisher();
    boolean[] crash = {true};
    MarkerHandler handler =
        new MarkerHandler(
            store,
            message -> {
              if (crash[0]) {
                throw new Crash();
              }
              return recording.publish(message);
            },
            new SimpleMeterRegistry(),
            MarkerConfig.fromEnv(Map.of("VERIFY_THREADS", "1")),
            clock);
    SceneFixture scene = new SceneFixture(store, "crash");
    scene.writeAllPassing();
    Trigger marker = scene.marker("assets/.regen3d_complete");
    assertThrows(Crash.class, () -> handler.handle(marker));
    SceneState held = handler.stateStore(store.bucket()).find("crash").orElseThrow().state();
    assertEquals(2, held.outbox().size(), "regen3d passed and e2e running, recorded and held");

    // The platform redelivers at once: the crashed delivery's lease still runs, so the redelivery
    // fails transiently (it is retried) instead of publishing or dropping them.
    crash[0] = false;
    assertThrows(TransientStorageException.class, () -> handler.handle(marker));
    assertTrue(recording.confirmed().isEmpty());

    // A later retry, after the lease: published once each, and the outbox is empty.
    clock.now = clock.now.plus(Outbox.LEASE).plus(Duration.ofSeconds(1));
    assertEquals(MarkerHandler.DeliveryOutcome.DUPLICATE, handler.handle(marker).outcome());
    assertEquals(2, recording.confirmed().size());
    handler.handle(marker);
    assertEquals(2, recording.confirmed().size());
    assertTrue(
        handler.stateStore(store.bucket()).find("crash").orElseThrow().state().outbox().isEmpty());
  }

  @Test
  void sixteenConcurrentDeliveriesPublishWithinTheBoundAndLoseNothing() throws Exception {
    for (int round = 0; round < 3; round++) {
      HandlerHarness h = new HandlerHarness(dir.resolve("round-" + round), "burst");
      h.scene.writeAllPassing();
      List<Trigger> markers = h.scene.allMarkers();
      List<Trigger> deliveries = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        deliveries.add(markers.get(i % markers.size()));
      }
      Collections.shuffle(deliveries, new Random(round));
      runConcurrently(deliveries, h);
      // Retries of the deliveries that failed transiently (the platform's redelivery).
      for (Trigger t : markers) {
        h.deliver(t);
      }

      SceneState state = h.state();
      assertEquals(Verdict.PASSED, state.verdict(), "round " + round);
      assertTrue(state.outbox().isEmpty(), "round " + round + ": nothing left unpublished");
      Map<String, Integer> perId = new HashMap<>();
      for (OutboundMessage m : h.publisher.confirmed()) {
        JsonNode body = dev.scenegate.events.EventJson.MAPPER.readTree(m.data());
        String id =
            body.has("event_id") ? body.path("event_id").asText() : body.path("alert_id").asText();
        perId.merge(id, 1, Integer::sum);
      }
      int messages = h.publisher.confirmed().size();
      assertTrue(
          messages <= 1.5 * perId.size(),
          "round " + round + ": " + messages + " messages for " + perId.size() + " ids " + perId);
      // Every stage passed, and its event went out.
      for (Stage stage : Stage.values()) {
        assertTrue(
            h.publisher.stageEvents(stage.wireName()).stream()
                .anyMatch(e -> e.path("status").asText().equals("passed")),
            "round " + round + " " + stage);
      }
      assertNotEquals(0, perId.size());
    }
  }

  private static void runConcurrently(List<Trigger> deliveries, HandlerHarness h) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Object>> results = new ArrayList<>();
      for (Trigger t : deliveries) {
        Callable<Object> task =
            () -> {
              start.await();
              try {
                return h.deliver(t);
              } catch (TransientStorageException e) {
                return e; // the platform retries it
              }
            };
        results.add(pool.submit(task));
      }
      start.countDown();
      for (Future<Object> r : results) {
        r.get();
      }
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(5, TimeUnit.MINUTES));
    }
  }
}
