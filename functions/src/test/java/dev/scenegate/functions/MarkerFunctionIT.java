package dev.scenegate.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.storage.BucketInfo;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.pipeline.SceneFixture;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.pipeline.Trigger;
import dev.scenegate.pipeline.Verdict;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.FakeGcs;
import dev.scenegate.testing.PubSubEmulator;
import dev.scenegate.testing.PulledMessage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The marker function end to end: served by the Functions Framework invoker over HTTP, reading and
 * writing fake-gcs-server, publishing to the Pub/Sub emulator, receiving CloudEvents as Google
 * Cloud delivers them (structured, binary, Pub/Sub-wrapped notifications).
 */
class MarkerFunctionIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsAndPubSub();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static FunctionInvoker function;
  private static String bucket;
  private static ObjectStore store;
  private static String eventsSubscription;
  private static String alertsSubscription;
  private static final Map<String, List<JsonNode>> EVENTS = new HashMap<>();
  private static final Map<String, List<JsonNode>> ALERTS = new HashMap<>();

  @BeforeAll
  static void startFunction() throws IOException {
    FakeGcs gcs = EMULATORS.gcs();
    PubSubEmulator pubSub = EMULATORS.pubSub();
    bucket = gcs.createBucket("markers");
    store = new GcsObjectStore(gcs.storage(), bucket);
    String eventsTopic = pubSub.createTopic("stage-events");
    String alertsTopic = pubSub.createTopic("checksum-alerts");
    eventsSubscription = pubSub.createSubscription(eventsTopic);
    alertsSubscription = pubSub.createSubscription(alertsTopic);
    Map<String, String> env = new HashMap<>();
    env.putAll(gcs.env());
    env.putAll(pubSub.env());
    env.put("GOOGLE_CLOUD_PROJECT", pubSub.projectId());
    env.put("STAGE_EVENTS_TOPIC", eventsTopic);
    env.put("CHECKSUM_ALERTS_TOPIC", alertsTopic);
    env.put("VERIFY_THREADS", "2");
    env.put("SCENEGATE_LOG_LEVEL", "INFO");
    function = FunctionInvoker.start(MarkerFunction.class, env);
  }

  @AfterAll
  static void stopFunction() {
    if (function != null) {
      function.close();
    }
  }

  // ---- helpers ----

  private static SceneFixture scene(String hint) {
    return new SceneFixture(store, hint + "_" + UUID.randomUUID().toString().substring(0, 8));
  }

  private static void deliver(Trigger trigger) throws IOException {
    HttpResponse<String> response =
        function.postStructured(CloudEvents.structuredFinalized(trigger));
    assertEquals(200, response.statusCode(), response.body() + "\n" + function.logTail());
  }

  private static Trigger deliver(SceneFixture scene, String marker) throws IOException {
    Trigger trigger = scene.marker(marker);
    deliver(trigger);
    return trigger;
  }

  private static SceneState state(SceneFixture scene) throws IOException {
    return new SceneStateStore(store, SceneStateStore.DEFAULT_PREFIX)
        .find(scene.sceneId())
        .orElseThrow(() -> new AssertionError("no state for " + scene.sceneId()))
        .state();
  }

  /** Pulls both subscriptions into per-scene inboxes until {@code done} holds for the scene. */
  private static List<JsonNode> awaitEvents(
      SceneFixture scene, Predicate<List<JsonNode>> done, boolean alerts) {
    Map<String, List<JsonNode>> inbox = alerts ? ALERTS : EVENTS;
    String subscription = alerts ? alertsSubscription : eventsSubscription;
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      List<JsonNode> mine = inbox.computeIfAbsent(scene.sceneId(), k -> new ArrayList<>());
      if (done.test(mine) || System.nanoTime() > end) {
        return List.copyOf(mine);
      }
      List<PulledMessage> batch = EMULATORS.pubSub().pull(subscription, 100);
      for (PulledMessage m : batch) {
        try {
          JsonNode payload = JSON.readTree(m.data());
          payload =
              ((com.fasterxml.jackson.databind.node.ObjectNode) payload)
                  .put("_ordering_key", m.orderingKey());
          inbox
              .computeIfAbsent(m.attributes().get("scene_id"), k -> new ArrayList<>())
              .add(payload);
        } catch (IOException e) {
          throw new AssertionError("unparsable message " + m.text(), e);
        }
      }
      if (batch.isEmpty()) {
        try {
          Thread.sleep(50); // poll interval between empty pulls
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  private static Predicate<List<JsonNode>> has(String stage, String status) {
    return events ->
        events.stream()
            .anyMatch(
                e ->
                    e.path("stage").asText().equals(stage)
                        && e.path("status").asText().equals(status));
  }

  private static List<String> statuses(List<JsonNode> events, String stage) {
    return events.stream()
        .filter(e -> e.path("stage").asText().equals(stage))
        .map(e -> e.path("status").asText())
        .toList();
  }

  // ---- tests ----

  @Test
  void happyPathThroughEveryStageToE2ePassed() throws Exception {
    SceneFixture scene = scene("kitchen").writeAllPassing();
    for (Trigger trigger : scene.allMarkers()) {
      deliver(trigger);
    }
    SceneState state = state(scene);
    for (Stage stage : Stage.values()) {
      assertEquals(StageStatus.PASSED, state.stage(stage).status(), stage.wireName());
    }
    assertEquals(Verdict.PASSED, state.verdict());
    List<JsonNode> events = awaitEvents(scene, has("e2e", "passed"), false);
    for (Stage stage : Stage.values()) {
      assertTrue(statuses(events, stage.wireName()).contains("passed"), stage + ": " + events);
    }
    assertEquals(List.of("running", "passed"), statuses(events, "geniesim_export"));
    assertEquals(List.of("running", "passed"), statuses(events, "e2e"));
    JsonNode last = events.get(events.size() - 1);
    assertEquals("e2e", last.path("stage").asText(), "the verdict comes last");
    assertEquals(scene.sceneId(), last.path("_ordering_key").asText());
    assertEquals(bucket, events.get(0).path("bucket").asText());
    assertTrue(events.get(0).path("trigger").path("generation").isTextual());
  }

  @Test
  void eachGateFailureFailsItsStageWithFailedMarkerAndAlert() throws Exception {
    SceneFixture episodes = scene("episodes_gate").writeAllPassing();
    episodes.writeEpisodeReports(false);
    deliver(episodes, "usd/.usd_complete");
    deliver(episodes, "episodes/.episodes_complete");

    SceneFixture imports = scene("import_gate").writeAllPassing();
    imports.writeImportManifest(0.5);
    deliver(imports, "variation_assets/.variation_pipeline_complete");
    deliver(imports, "geniesim/.geniesim_complete");
    deliver(imports, "geniesim/.geniesim_import_complete");

    SceneFixture exports = scene("export_gate").writeAllPassing();
    store.delete(
        exports.object("geniesim/job.json"),
        store.stat(exports.object("geniesim/job.json")).orElseThrow().generation());
    deliver(exports, "variation_assets/.variation_pipeline_complete");
    deliver(exports, "geniesim/.geniesim_complete");

    record Case(SceneFixture scene, Stage stage, String folder, String reportPart) {}
    for (Case c :
        List.of(
            new Case(episodes, Stage.EPISODES, "episodes", "validation_report.json"),
            new Case(imports, Stage.GENIESIM_IMPORT, "geniesim", "import_manifest.json"),
            new Case(exports, Stage.GENIESIM_EXPORT, "geniesim", "geniesim/job.json"))) {
      SceneState state = state(c.scene());
      assertEquals(StageStatus.FAILED, state.stage(c.stage()).status(), c.stage().wireName());
      assertEquals(Verdict.FAILED, state.verdict());
      ObjectInfo failed =
          store
              .stat(c.scene().object(c.folder() + "/.failed"))
              .orElseThrow(() -> new AssertionError(c + " has no .failed"));
      JsonNode marker = JSON.readTree(store.readSmall(failed.name(), failed.generation(), 1 << 20));
      assertEquals(c.stage().wireName(), marker.path("stage").asText());
      assertTrue(marker.path("report").asText().endsWith(c.reportPart()), marker.toString());
      assertFalse(marker.path("reason").asText().isEmpty());
      assertFalse(marker.path("marker_generation").asText().isEmpty());
      List<JsonNode> events = awaitEvents(c.scene(), has(c.stage().wireName(), "failed"), false);
      assertTrue(has(c.stage().wireName(), "failed").test(events), events.toString());
      List<JsonNode> alerts = awaitEvents(c.scene(), a -> !a.isEmpty(), true);
      assertEquals(1, alerts.size(), alerts.toString());
      assertEquals("gate_failure", alerts.get(0).path("kind").asText());
      assertEquals(c.stage().wireName(), alerts.get(0).path("stage").asText());
    }
  }

  @Test
  void aPrerequisiteArrivingLateReleasesItsWaitingStage() throws Exception {
    SceneFixture scene = scene("late").writeAllPassing();
    deliver(scene, "episodes/.episodes_complete");
    deliver(scene, "dwm/.dwm_complete");
    assertEquals(StageStatus.WAITING, state(scene).stage(Stage.EPISODES).status());
    assertEquals(StageStatus.WAITING, state(scene).stage(Stage.DWM).status());
    deliver(scene, "usd/.usd_complete");
    deliver(scene, "assets/.regen3d_complete");
    SceneState state = state(scene);
    assertEquals(StageStatus.PASSED, state.stage(Stage.EPISODES).status());
    assertEquals(StageStatus.PASSED, state.stage(Stage.DWM).status());
    List<JsonNode> events = awaitEvents(scene, has("dwm", "passed"), false);
    assertEquals(List.of("waiting", "passed"), statuses(events, "episodes"));
    assertEquals(List.of("waiting", "passed"), statuses(events, "dwm"));
  }

  @Test
  void geniesimSkippedWhenTheSceneConfigSaysSo() throws Exception {
    SceneFixture scene = scene("no_geniesim");
    scene.writeSourceImage();
    scene.writeAssets();
    scene.writeEpisodeReports(true);
    scene.writeConfig(false);
    for (String marker :
        List.of(
            "assets/.regen3d_complete",
            "variation_assets/.variation_pipeline_complete",
            "usd/.usd_complete",
            "episodes/.episodes_complete",
            "dwm/.dwm_complete")) {
      deliver(scene, marker);
    }
    deliver(scene.existing("source_checksums.json"));
    SceneState state = state(scene);
    assertEquals(StageStatus.SKIPPED, state.stage(Stage.GENIESIM_EXPORT).status());
    assertEquals(StageStatus.SKIPPED, state.stage(Stage.GENIESIM_IMPORT).status());
    assertEquals(Verdict.PASSED, state.verdict());
    List<JsonNode> events = awaitEvents(scene, has("e2e", "passed"), false);
    assertEquals(List.of("skipped"), statuses(events, "geniesim_export"));
    assertEquals(List.of("skipped"), statuses(events, "geniesim_import"));
  }

  @Test
  void corruptedAssetFailsThenRemediationPasses() throws Exception {
    SceneFixture scene = scene("corrupt").writeAllPassing();
    String corrupted = scene.corruptAsset();
    Trigger first = deliver(scene, "assets/.regen3d_complete");
    assertEquals(StageStatus.FAILED, state(scene).stage(Stage.REGEN3D).status());
    ObjectInfo failed = store.stat(scene.object("assets/.failed")).orElseThrow();
    JsonNode marker = JSON.readTree(store.readSmall(failed.name(), failed.generation(), 1 << 20));
    assertEquals("regen3d", marker.path("stage").asText());
    assertEquals(scene.object("assets/source_checksums.json"), marker.path("manifest").asText());
    assertEquals(Long.toString(first.generation()), marker.path("marker_generation").asText());

    List<JsonNode> alerts = awaitEvents(scene, a -> !a.isEmpty(), true);
    assertEquals(1, alerts.size());
    JsonNode alert = alerts.get(0);
    assertEquals("checksum_failure", alert.path("kind").asText());
    assertEquals(scene.object("assets/source_checksums.json"), alert.path("manifest").asText());
    assertEquals(corrupted, alert.path("failures").get(0).path("path").asText());
    assertEquals("SHA256_MISMATCH", alert.path("failures").get(0).path("kind").asText());
    assertFalse(
        alert
            .path("failures")
            .get(0)
            .path("expected_sha256")
            .asText()
            .equals(alert.path("failures").get(0).path("actual_sha256").asText()));
    assertEquals(ChecksumAlert.REMEDIATION.get(0), alert.path("remediation").get(0).asText());

    scene.restoreAssets();
    deliver(first); // the old generation again: nothing changes
    assertEquals(StageStatus.FAILED, state(scene).stage(Stage.REGEN3D).status());
    deliver(scene, "assets/.regen3d_complete");
    SceneState state = state(scene);
    assertEquals(StageStatus.PASSED, state.stage(Stage.REGEN3D).status());
    assertEquals(Verdict.RUNNING, state.verdict(), "re-opened by remediation");
    assertTrue(store.stat(scene.object("assets/.failed")).isEmpty(), ".failed cleared");
    List<JsonNode> events = awaitEvents(scene, has("regen3d", "passed"), false);
    assertEquals(List.of("failed", "passed"), statuses(events, "regen3d"));
    assertEquals(List.of("failed", "running"), statuses(events, "e2e"));
  }

  @Test
  void binaryStructuredAndPubSubWrappedDeliveriesAreAllUnderstood() throws Exception {
    // A real GCS notification: a fake-gcs-server that notifies Pub/Sub publishes it, and the test
    // wraps it as Eventarc would. The bucket exists on both servers; the function reads the shared
    // one, so the scene lives there.
    PubSubEmulator pubSub = EMULATORS.pubSub();
    String topic = pubSub.createTopic("gcs-notifications");
    String subscription = pubSub.createSubscription(topic, false);
    FakeGcs notifying = EMULATORS.notifyingGcs(topic, "scenes/", "finalize");
    String modesBucket = notifying.createBucket("modes");
    EMULATORS.gcs().storage().create(BucketInfo.of(modesBucket));
    ObjectStore modesStore = new GcsObjectStore(EMULATORS.gcs().storage(), modesBucket);
    SceneFixture scene =
        new SceneFixture(modesStore, "modes_" + UUID.randomUUID().toString().substring(0, 8))
            .writeAllPassing();

    Trigger structured = scene.marker("assets/.regen3d_complete");
    deliver(structured);

    Trigger binary = scene.marker("usd/.usd_complete");
    HttpResponse<String> response =
        function.postBinary(
            UUID.randomUUID().toString(),
            StorageEvents.FINALIZED,
            CloudEvents.source(binary),
            "objects/" + binary.object(),
            CloudEvents.objectResource(binary, 0).toString());
    assertEquals(200, response.statusCode(), function.logTail());

    SceneFixture remote =
        new SceneFixture(new GcsObjectStore(notifying.storage(), modesBucket), scene.sceneId());
    ObjectInfo dwm = remote.put("dwm/.dwm_complete", new byte[0]);
    PulledMessage notification =
        pubSub.awaitMessages(subscription, 1).stream()
            .filter(m -> dwm.name().equals(m.attributes().get("objectId")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no notification for " + dwm.name()));
    assertEquals("OBJECT_FINALIZE", notification.attributes().get("eventType"));
    response =
        function.postStructured(
            CloudEvents.pubSubWrapped(notification.data(), notification.attributes()));
    assertEquals(200, response.statusCode(), function.logTail());

    SceneState state =
        new SceneStateStore(modesStore, SceneStateStore.DEFAULT_PREFIX)
            .find(scene.sceneId())
            .orElseThrow()
            .state();
    assertTrue(state.processed().contains(structured.key()));
    assertTrue(state.processed().contains(binary.key()));
    assertTrue(
        state.processed().contains(modesBucket + "/" + dwm.name() + "#" + dwm.generation()),
        state.processed().toString());
    assertEquals(StageStatus.PASSED, state.stage(Stage.REGEN3D).status());
    assertEquals(StageStatus.PASSED, state.stage(Stage.USD).status());
    assertEquals(StageStatus.PASSED, state.stage(Stage.DWM).status());
  }

  @Test
  void theLegacyBackgroundEventFormatIsConvertedByTheFramework() throws Exception {
    SceneFixture scene = scene("legacy").writeAllPassing();
    Trigger marker = scene.marker("assets/.regen3d_complete");
    com.fasterxml.jackson.databind.node.ObjectNode legacy =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            StorageEventsTest.fixture("storage-legacy-input.json");
    legacy.set("data", CloudEvents.objectResource(marker, 0));
    ((com.fasterxml.jackson.databind.node.ObjectNode) legacy.path("context").path("resource"))
        .put("name", "projects/_/buckets/" + marker.bucket() + "/objects/" + marker.object());
    HttpResponse<String> response =
        function.post(legacy.toString(), Map.of("Content-Type", "application/json"));
    assertEquals(200, response.statusCode(), response.body() + function.logTail());
    assertEquals(StageStatus.PASSED, state(scene).stage(Stage.REGEN3D).status());
  }

  @Test
  void theSameMarkerTenTimesIsOneTransitionAndOneEventId() throws Exception {
    SceneFixture scene = scene("tenfold").writeAllPassing();
    Trigger marker = scene.marker("assets/.regen3d_complete");
    for (int i = 0; i < 10; i++) {
      deliver(marker);
    }
    SceneState state = state(scene);
    assertEquals(1, state.stage(Stage.REGEN3D).history().size());
    // A sentinel marker afterwards: events are ordered per scene, so any duplicate published for
    // the ten deliveries would arrive before the sentinel's event.
    deliver(scene, "dwm/.dwm_complete");
    List<JsonNode> events = awaitEvents(scene, has("dwm", "passed"), false);
    Set<String> ids = new HashSet<>();
    for (JsonNode e : events) {
      if (e.path("stage").asText().equals("regen3d")) {
        ids.add(e.path("event_id").asText());
      }
    }
    assertEquals(1, ids.size());
    assertEquals(1, statuses(events, "regen3d").size(), events.toString());
  }

  @Test
  void nonMarkersAndUndecodableEventsAreAcknowledgedWithoutState() throws Exception {
    SceneFixture scene = scene("ignored").writeAllPassing();
    deliver(scene.existing("assets/obj_1/asset.glb"));
    HttpResponse<String> garbage =
        function.postBinary(
            "x", StorageEvents.FINALIZED, "//storage.googleapis.com/x", null, "{\"bucket\":1}");
    assertEquals(200, garbage.statusCode());
    HttpResponse<String> other =
        function.postBinary("y", "com.example.unrelated", "//example", null, "{}");
    assertEquals(200, other.statusCode());
    assertTrue(
        new SceneStateStore(store, SceneStateStore.DEFAULT_PREFIX).find(scene.sceneId()).isEmpty());
    String log = function.logText();
    assertTrue(log.contains("undecodable event acknowledged"), log);
  }

  /** Poison on the wire is answered 2xx (acknowledged), never an error the platform retries. */
  @Test
  void hostileBodiesAndNonFinalizeNotificationsAreAcknowledged() throws Exception {
    SceneFixture scene = scene("hostile").writeAllPassing();
    Trigger marker = scene.marker("usd/.usd_complete");
    String name = marker.object();
    List<String> bodies =
        List.of(
            "",
            "not json",
            "[]",
            "\"text\"",
            "{}",
            "{\"bucket\":\"" + bucket + "\",\"name\":\"" + name + "\"}",
            "{\"bucket\":\"" + bucket + "\",\"name\":\"" + name + "\",\"generation\":\"x\"}",
            "{\"bucket\":\"" + bucket + "\",\"generation\":\"5\"}",
            "{\"name\":\"" + name + "\",\"generation\":\"5\"}",
            "{\"bucket\":\"" + bucket + "\",\"name\":\"" + name + "\",\"generation\":\"0\"}",
            "{".repeat(5000),
            "{\"bucket\":\"" + bucket + "\",\"name\":\"" + "x".repeat(2 << 20) + "\"}");
    for (String body : bodies) {
      HttpResponse<String> response =
          function.postBinary(
              UUID.randomUUID().toString(),
              StorageEvents.FINALIZED,
              CloudEvents.source(marker),
              null,
              body);
      assertEquals(200, response.statusCode(), body.length() > 80 ? body.substring(0, 80) : body);
    }
    for (String eventType : List.of("OBJECT_DELETE", "OBJECT_METADATA_UPDATE", "OBJECT_ARCHIVE")) {
      HttpResponse<String> response =
          function.postStructured(
              CloudEvents.pubSubWrapped(
                  CloudEvents.objectResource(marker, 0).toString().getBytes(StandardCharsets.UTF_8),
                  Map.of(
                      "eventType", eventType,
                      "payloadFormat", "JSON_API_V1",
                      "bucketId", bucket,
                      "objectId", name,
                      "objectGeneration", Long.toString(marker.generation()))));
      assertEquals(200, response.statusCode(), eventType);
    }
    Trigger deep = scene.marker("x/assets/.regen3d_complete");
    deliver(deep);
    assertTrue(
        new SceneStateStore(store, SceneStateStore.DEFAULT_PREFIX).find(scene.sceneId()).isEmpty(),
        "nothing was processed for the scene");
  }

  /**
   * A transient fault on the wire: with its stage-events topic missing, the function answers the
   * finalize event with a non-2xx status (so the platform redelivers) after writing the state; the
   * redelivery publishes the events under the ids the state recorded, once.
   */
  @Test
  void aPublishOutageIsAnErrorAnswerAndTheRedeliveryPublishesTheRecordedEventIds()
      throws Exception {
    PubSubEmulator pubSub = EMULATORS.pubSub();
    String laterTopic = "stage-events-later-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env = new HashMap<>();
    env.putAll(EMULATORS.gcs().env());
    env.putAll(pubSub.env());
    env.put("GOOGLE_CLOUD_PROJECT", pubSub.projectId());
    env.put("STAGE_EVENTS_TOPIC", laterTopic);
    env.put("CHECKSUM_ALERTS_TOPIC", laterTopic);
    env.put("VERIFY_THREADS", "1");
    try (FunctionInvoker outage = FunctionInvoker.start(MarkerFunction.class, env)) {
      SceneFixture scene = scene("outage").writeAllPassing();
      Trigger marker = scene.marker("assets/.regen3d_complete");
      String event = CloudEvents.structuredFinalized(marker);

      HttpResponse<String> refused = outage.postStructured(event);
      assertTrue(refused.statusCode() >= 500, refused.statusCode() + " " + outage.logTail());
      SceneState recorded = state(scene);
      assertEquals(StageStatus.PASSED, recorded.stage(Stage.REGEN3D).status());
      List<String> outboxIds =
          recorded.outbox().stream().map(dev.scenegate.pipeline.OutboxEntry::id).toList();
      assertEquals(2, outboxIds.size(), "regen3d passed and e2e running, not yet confirmed");

      pubSub.createTopicNamed(laterTopic);
      String subscription = pubSub.createSubscription(laterTopic);
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> accepted = outage.postStructured(event);
        assertEquals(200, accepted.statusCode(), outage.logTail());
      }
      List<String> publishedIds =
          pubSub.awaitMessages(subscription, 2).stream()
              .map(m -> readTree(m.data()).path("event_id").asText())
              .toList();
      assertEquals(outboxIds, publishedIds);
      assertTrue(state(scene).outbox().isEmpty());
      assertEquals(1, state(scene).stage(Stage.REGEN3D).history().size());
      // A sentinel: nothing more was published for the redeliveries before it.
      assertEquals(
          200,
          outage
              .postStructured(CloudEvents.structuredFinalized(scene.marker("dwm/.dwm_complete")))
              .statusCode());
      List<String> rest =
          pubSub.awaitMessages(subscription, 1).stream()
              .map(m -> readTree(m.data()).path("stage").asText())
              .toList();
      assertEquals(List.of("dwm"), rest);
    }
  }

  private static JsonNode readTree(byte[] data) {
    try {
      return JSON.readTree(data);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
