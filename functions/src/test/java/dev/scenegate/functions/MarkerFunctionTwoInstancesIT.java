package dev.scenegate.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scenegate.pipeline.SceneFixture;
import dev.scenegate.pipeline.Trigger;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.FakeGcs;
import dev.scenegate.testing.PubSubEmulator;
import dev.scenegate.testing.PulledMessage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two marker-function instances (separate invoker processes sharing fake-gcs-server and the Pub/Sub
 * emulator) receive 16 concurrent deliveries of one scene's markers, as at-least-once delivery and
 * retries do: every stage event is published, and the messages stay within DESIGN's bound of 1.5x
 * the distinct event ids.
 */
class MarkerFunctionTwoInstancesIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsAndPubSub();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DELIVERIES = 16;

  /** Eventarc redelivers an error answer; a delivery that never succeeds fails the test. */
  private static final int MAX_ATTEMPTS = 30;

  @Test
  void concurrentDeliveriesOnTwoInstancesPublishEveryEventWithinTheBound() throws Exception {
    FakeGcs gcs = EMULATORS.gcs();
    PubSubEmulator pubSub = EMULATORS.pubSub();
    String bucket = gcs.createBucket("twins");
    ObjectStore store = new GcsObjectStore(gcs.storage(), bucket);
    String eventsTopic = pubSub.createTopic("stage-events");
    String alertsTopic = pubSub.createTopic("checksum-alerts");
    String subscription = pubSub.createSubscription(eventsTopic);
    Map<String, String> env = new HashMap<>();
    env.putAll(gcs.env());
    env.putAll(pubSub.env());
    env.put("GOOGLE_CLOUD_PROJECT", pubSub.projectId());
    env.put("STAGE_EVENTS_TOPIC", eventsTopic);
    env.put("CHECKSUM_ALERTS_TOPIC", alertsTopic);
    env.put("VERIFY_THREADS", "1");
    try (FunctionInvoker first = FunctionInvoker.start(MarkerFunction.class, env);
        FunctionInvoker second = FunctionInvoker.start(MarkerFunction.class, env)) {
      SceneFixture scene =
          new SceneFixture(store, "twins_" + UUID.randomUUID().toString().substring(0, 8))
              .writeAllPassing();
      List<Trigger> markers =
          List.of(
              scene.existing("source_checksums.json"),
              scene.marker("assets/.regen3d_complete"),
              scene.marker("variation_assets/.variation_pipeline_complete"),
              scene.marker("usd/.usd_complete"));
      ExecutorService senders = Executors.newFixedThreadPool(DELIVERIES);
      try {
        List<Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < DELIVERIES; i++) {
          FunctionInvoker instance = i % 2 == 0 ? first : second;
          Trigger marker = markers.get(i % markers.size());
          sent.add(senders.submit(() -> deliverUntilAccepted(instance, marker)));
        }
        for (Future<?> f : sent) {
          f.get();
        }
      } finally {
        senders.shutdownNow();
      }
      // A sentinel after every delivery was answered: events are ordered per scene, so anything
      // those deliveries published arrives before the sentinel's event.
      deliverUntilAccepted(second, scene.marker("dwm/.dwm_complete"));

      List<JsonNode> events = new ArrayList<>();
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!has(events, "dwm", "passed")) {
        if (System.nanoTime() > end) {
          fail("no dwm passed within 60 s; saw " + events);
        }
        for (PulledMessage m : pubSub.awaitMessages(subscription, 1, Duration.ofSeconds(5))) {
          events.add(JSON.readTree(m.data()));
        }
      }
      for (String stage : List.of("source_image", "regen3d", "variation_assets", "usd")) {
        assertTrue(has(events, stage, "passed"), stage + " passed missing: " + events);
      }
      Set<String> ids = new HashSet<>();
      Map<String, Set<String>> idsByStageStatus = new HashMap<>();
      for (JsonNode e : events) {
        String id = e.path("event_id").asText();
        ids.add(id);
        idsByStageStatus
            .computeIfAbsent(
                e.path("stage").asText() + " " + e.path("status").asText(), k -> new HashSet<>())
            .add(id);
      }
      // Each marker is one cause: one id per stage and status for the four stages.
      for (String stage : List.of("source_image", "regen3d", "variation_assets", "usd")) {
        assertEquals(
            1, idsByStageStatus.get(stage + " passed").size(), idsByStageStatus.toString());
      }
      assertTrue(
          events.size() <= 1.5 * ids.size(),
          events.size() + " messages for " + ids.size() + " distinct event ids: " + events);
    }
  }

  private static boolean has(List<JsonNode> events, String stage, String status) {
    return events.stream()
        .anyMatch(
            e ->
                e.path("stage").asText().equals(stage) && e.path("status").asText().equals(status));
  }

  private static Void deliverUntilAccepted(FunctionInvoker instance, Trigger marker)
      throws IOException {
    String event = CloudEvents.structuredFinalized(marker);
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      HttpResponse<String> answer = instance.postStructured(event);
      if (answer.statusCode() == 200) {
        return null;
      }
      assertTrue(answer.statusCode() >= 500, answer.statusCode() + " " + instance.logTail());
    }
    fail(marker + " not accepted in " + MAX_ATTEMPTS + " attempts: " + instance.logTail());
    return null;
  }
}
