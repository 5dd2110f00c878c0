package dev.scenegate.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.cli.Cli;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.PubSubConfig;
import dev.scenegate.events.PubSubEventPublisher;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.SceneFixture;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.pipeline.StageRecord;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.pipeline.Trigger;
import dev.scenegate.pipeline.Verdict;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.PulledMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code reconcile}, {@code redrive} and {@code sweep} against fake-gcs-server and the Pub/Sub
 * emulator, through the real adapters, the CLI run in-process as the Cloud Run Job runs it.
 */
class SweepGcsIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsAndPubSub();

  private String bucket;
  private String events;
  private Map<String, String> env;
  private ObjectStore store;
  private PubSubEventPublisher livePublisher;
  private MarkerHandler live;

  @BeforeEach
  void bucketAndTopics() {
    bucket = EMULATORS.gcs().createBucket("sweep");
    String stageTopic = EMULATORS.pubSub().createTopic("stage-events");
    String alertTopic = EMULATORS.pubSub().createTopic("checksum-alerts");
    events = EMULATORS.pubSub().createSubscription(stageTopic);
    env = new HashMap<>();
    env.putAll(EMULATORS.gcs().env());
    env.putAll(EMULATORS.pubSub().env());
    env.put("STAGE_EVENTS_TOPIC", stageTopic);
    env.put("CHECKSUM_ALERTS_TOPIC", alertTopic);
    env.put("VERIFY_THREADS", "2");
    env.put("SCENEGATE_METRICS_INTERVAL", "off");
    store = new GcsObjectStore(EMULATORS.gcs().storage(), bucket);
    livePublisher = new PubSubEventPublisher(PubSubConfig.fromEnvironment(env));
    live =
        new MarkerHandler(
            store,
            livePublisher,
            new SimpleMeterRegistry(),
            MarkerConfig.fromEnv(env),
            Clock.systemUTC());
  }

  @AfterEach
  void close() {
    livePublisher.close();
  }

  private Cli cli(String... argv) {
    return Cli.run(env, argv);
  }

  private static JsonNode json(Cli cli) throws Exception {
    assertEquals(1, cli.out().lines().count(), cli.toString());
    return EventJson.MAPPER.readTree(cli.out());
  }

  private SceneState state(String scene) throws Exception {
    return new SceneStateStore(store, null).inspect(scene).orElseThrow().state();
  }

  /** Statuses, deciding markers (relative to the scene), reasons and markers seen: no times. */
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

  /** stage:status of the events pulled for {@code scene}, sorted. */
  private static List<String> transitions(List<PulledMessage> messages, String scene)
      throws Exception {
    List<String> result = new ArrayList<>();
    for (PulledMessage m : messages) {
      JsonNode event = EventJson.MAPPER.readTree(m.data());
      if (event.path("scene_id").asText().equals(scene)) {
        result.add(event.path("stage").asText() + ":" + event.path("status").asText());
      }
    }
    result.sort(null);
    return result;
  }

  @Test
  void markersNoTriggerDeliveredAreProcessedAsLiveDeliveriesWouldBeAndOnlyOnce() throws Exception {
    SceneFixture liveScene = new SceneFixture(store, "live_001").writeAllPassing();
    List<Trigger> delivered = liveScene.allMarkers();
    for (Trigger t : delivered) {
      live.handle(t);
    }
    new SceneFixture(store, "lost_001").writeAllPassing().allMarkers();
    new SceneFixture(store, "lost_002").writeAllPassing().marker("assets/.regen3d_complete");

    Cli first = cli("reconcile", "--bucket", bucket, "--json");

    assertEquals(0, first.exit(), first.toString());
    JsonNode report = json(first);
    assertEquals(20, report.path("markers_seen").asInt());
    assertEquals(11, report.path("redriven").size(), report.toString());
    assertEquals(0, report.path("errors").size());
    assertEquals(canon(state("live_001")), canon(state("lost_001")));
    assertEquals(StageStatus.PASSED, state("lost_002").stage(Stage.REGEN3D).status());

    List<PulledMessage> messages = EMULATORS.pubSub().awaitMessages(events, 26);
    assertEquals(transitions(messages, "live_001"), transitions(messages, "lost_001"));

    Cli second = cli("reconcile", "--bucket", "gs://" + bucket, "--json");
    assertEquals(0, second.exit(), second.toString());
    assertEquals(0, json(second).path("redriven").size());
    assertEquals(20, json(second).path("markers_seen").asInt());
  }

  @Test
  void aReconcileRacingALiveDeliveryChangesTheStateOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 3; round++) {
        String id = "race_" + round;
        SceneFixture scene = new SceneFixture(store, id).writeAllPassing();
        Trigger marker = scene.existing("source_checksums.json");
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Cli> sweep =
            pool.submit(
                () -> {
                  start.await();
                  return cli("reconcile", "--bucket", bucket, "--scene", id, "--json");
                });
        Future<MarkerHandler.Result> delivery =
            pool.submit(
                () -> {
                  start.await();
                  return live.handle(marker);
                });
        Cli reconciled = sweep.get();
        assertEquals(0, reconciled.exit(), reconciled.toString());
        int processed =
            json(reconciled).path("redriven").size()
                + (delivery.get().outcome() == MarkerHandler.DeliveryOutcome.PROCESSED ? 1 : 0);
        assertEquals(1, processed, "round " + round + ": " + reconciled);
        SceneState state = state(id);
        assertEquals(List.of(marker.key()), state.processed());
        assertEquals(1, state.stage(Stage.SOURCE_IMAGE).history().size());
        assertEquals(List.of(), state.outbox());
      }
    } finally {
      pool.shutdownNow();
    }
    List<PulledMessage> messages = EMULATORS.pubSub().awaitMessages(events, 6);
    assertEquals(6, messages.size());
    List<String> ids = new ArrayList<>();
    for (PulledMessage m : messages) {
      ids.add(EventJson.MAPPER.readTree(m.data()).path("event_id").asText());
    }
    assertEquals(6, new HashSet<>(ids).size(), ids.toString());
  }

  @Test
  void redriveAfterRestoringACorruptedAssetMakesTheStageAndTheVerdictPass() throws Exception {
    SceneFixture scene = new SceneFixture(store, "k1").writeAllPassing();
    scene.writeConfig(false);
    scene.corruptAsset();
    for (Trigger t : scene.allMarkers()) {
      live.handle(t);
    }
    assertEquals(Verdict.FAILED, state("k1").verdict());
    scene.restoreAssets();

    for (String stage : List.of("regen3d", "variation_assets", "usd")) {
      Cli redrive = cli("redrive", "k1", "--stage", stage, "--bucket", bucket);
      assertEquals(0, redrive.exit(), redrive.toString());
    }
    assertEquals(Verdict.PASSED, state("k1").verdict());
    assertEquals(StageStatus.PASSED, state("k1").stage(Stage.DWM).status());

    List<PulledMessage> messages =
        EMULATORS.pubSub().awaitMessages(events, 100, java.time.Duration.ofSeconds(5));
    List<String> causes = new ArrayList<>();
    for (PulledMessage m : messages) {
      JsonNode event = EventJson.MAPPER.readTree(m.data());
      if (event.path("stage").asText().equals("e2e")
          && event.path("status").asText().equals("passed")) {
        causes.add(event.path("trigger").path("object").asText());
      }
    }
    assertEquals(List.of("scenes/k1/usd/.usd_complete"), causes);

    Cli noMarker = cli("redrive", "no_markers", "--stage", "usd", "--bucket", bucket);
    assertEquals(2, noMarker.exit(), noMarker.toString());
  }

  @Test
  void anUnreadableStateIsReportedAndLeftAsItIsAndABadSceneIdIsSkipped() throws Exception {
    new SceneFixture(store, "torn").writeAllPassing().marker("dwm/.dwm_complete");
    new SceneFixture(store, "bad~id").writeAllPassing().marker("dwm/.dwm_complete");
    byte[] torn = "{\"schema_version\": \"1.0\", \"sce".getBytes(StandardCharsets.UTF_8);
    long generation =
        store
            .write(
                "_scenegate/state/torn.json",
                torn,
                "application/json",
                Map.of(),
                Precondition.none())
            .generation();

    Cli cli = cli("reconcile", "--bucket", bucket, "--json");

    assertEquals(0, cli.exit(), cli.toString());
    JsonNode report = json(cli);
    assertEquals(2, report.path("markers_seen").asInt(), report.toString());
    assertEquals(1, report.path("errors").size());
    assertEquals(
        "_scenegate/state/torn.json", report.path("errors").get(0).path("object").asText());
    assertEquals(generation, store.stat("_scenegate/state/torn.json").orElseThrow().generation());
    assertArrayEquals(torn, store.readSmall("_scenegate/state/torn.json", generation, 1024));
    assertEquals(List.of("_scenegate/state/torn.json"), names(store.list("_scenegate/state/")));
    assertTrue(
        cli.err().startsWith("scenegate reconcile: warning: skipped scenes/bad~id/"), cli.err());
  }

  private static List<String> names(List<dev.scenegate.storage.ObjectInfo> infos) {
    return infos.stream().map(dev.scenegate.storage.ObjectInfo::name).toList();
  }

  @Test
  void sweepIsTheScheduledJobsEntryPoint() throws Exception {
    new SceneFixture(store, "k1").writeAllPassing().allMarkers();
    Map<String, String> job = new HashMap<>(env);
    job.put("DATA_BUCKET", "some-other-bucket"); // --bucket overrides it
    Cli cli = Cli.run(job, "sweep", "--bucket", bucket, "--json");
    assertEquals(0, cli.exit(), cli.toString());
    JsonNode answer = json(cli);
    assertTrue(answer.path("complete").asBoolean());
    assertEquals(9, answer.path("steps").path("reconcile").path("redriven").size());
    assertEquals(Verdict.PASSED, state("k1").verdict());

    Cli missing = cli("sweep", "--bucket", "no-such-bucket-for-sweep", "--json");
    assertEquals(2, missing.exit());
    assertEquals("BUCKET_NOT_FOUND", json(missing).path("error").path("kind").asText());
  }
}
