package dev.scenegate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.events.Topic;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.logging.Severity;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.testing.ForwardingObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Acceptance audit of the marker handler against DESIGN (Objects in the bucket, Events, Delivery
 * and state rules): exact message schemas whatever the delivery order, look-alike object names,
 * late configuration, the verdict rules, and the outbox.
 */
class PipelineAuditTest {
  @TempDir Path dir;

  private static final Set<String> STAGE_EVENT_KEYS =
      Set.of(
          "schema_version",
          "event_id",
          "scene_id",
          "stage",
          "status",
          "previous_status",
          "bucket",
          "trigger",
          "occurred_at",
          "details");
  private static final Set<String> PUBLISHED_STATUSES =
      Set.of("waiting", "running", "passed", "failed", "skipped");
  private static final Set<String> ALERT_KEYS =
      Set.of(
          "schema_version",
          "alert_id",
          "kind",
          "severity",
          "scene_id",
          "bucket",
          "manifest",
          "failures",
          "remediation",
          "occurred_at");

  private static Set<String> keys(JsonNode node) {
    Set<String> keys = new TreeSet<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  // ---- message schemas ----

  /**
   * Every message of a scene that waits, fails a checksum, fails a gate, skips Genie Sim and is
   * remediated, in many delivery orders with duplicates, follows DESIGN's schema exactly.
   */
  @Test
  void everyPublishedMessageFollowsDesignsSchemaInAnyDeliveryOrder() throws Exception {
    JsonLog.threshold(Severity.WARNING); // hundreds of deliveries
    try {
      for (long seed = 1; seed <= 25; seed++) {
        Path root = dir.resolve("seed-" + seed);
        HandlerHarness h = new HandlerHarness(root, "audit.scene-" + seed);
        h.scene.writeAllPassing();
        h.scene.writeEpisodeReports(false);
        h.scene.writeConfig(seed % 2 == 0);
        h.scene.corruptAsset();
        List<Trigger> triggers = new ArrayList<>(h.scene.allMarkers());
        Random random = new Random(seed);
        List<Trigger> deliveries = new ArrayList<>();
        for (Trigger t : triggers) {
          for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            deliveries.add(t);
          }
        }
        Collections.shuffle(deliveries, random);
        for (Trigger t : deliveries) {
          h.deliver(t);
        }
        // Remediation: assets restored, regen3d and usd re-run.
        h.scene.restoreAssets();
        h.deliver("usd/.usd_complete");
        h.deliver("assets/.regen3d_complete");
        assertSchema(h, "seed " + seed);
      }
    } finally {
      JsonLog.threshold(Severity.INFO);
    }
  }

  private static void assertSchema(HandlerHarness h, String label) throws IOException {
    String sceneId = h.scene.sceneId();
    Set<String> stages = new TreeSet<>();
    for (Stage stage : Stage.values()) {
      stages.add(stage.wireName());
    }
    stages.add("e2e");
    int events = 0;
    int alerts = 0;
    for (OutboundMessage m : h.publisher.confirmed()) {
      JsonNode body = EventJson.MAPPER.readTree(m.data());
      assertEquals(sceneId, m.orderingKey(), label);
      if (m.topic() == Topic.STAGE_EVENTS) {
        events++;
        assertEquals(STAGE_EVENT_KEYS, keys(body), label + " " + body);
        assertEquals("1.0", body.path("schema_version").textValue(), label);
        assertEquals(sceneId, body.path("scene_id").textValue(), label);
        assertTrue(stages.contains(body.path("stage").textValue()), label + " " + body);
        assertTrue(PUBLISHED_STATUSES.contains(body.path("status").textValue()), label + body);
        String previous = body.path("previous_status").textValue();
        assertTrue(
            PUBLISHED_STATUSES.contains(previous) || "pending".equals(previous), label + body);
        assertEquals(h.store.bucket(), body.path("bucket").textValue(), label);
        JsonNode trigger = body.path("trigger");
        assertEquals(Set.of("object", "generation"), keys(trigger), label + body);
        assertTrue(trigger.path("object").textValue().startsWith("scenes/" + sceneId + "/"));
        assertTrue(trigger.path("generation").isTextual(), label + body);
        assertTrue(trigger.path("generation").textValue().matches("[1-9][0-9]*"), label + body);
        assertTrue(body.path("details").isObject(), label + body);
        assertFalse(body.path("occurred_at").textValue().isEmpty(), label);
        String id = body.path("event_id").textValue();
        assertTrue(
            h.state().processed().stream()
                .anyMatch(
                    cause ->
                        SceneMachine.eventId(
                                cause,
                                body.path("stage").textValue(),
                                body.path("status").textValue())
                            .equals(id)),
            "event_id derives from cause, stage and status: " + body);
        assertEquals(
            Map.of(
                "scene_id",
                sceneId,
                "stage",
                body.path("stage").textValue(),
                "status",
                body.path("status").textValue(),
                "schema_version",
                "1.0"),
            m.attributes(),
            label);
      } else {
        alerts++;
        assertTrue(keys(body).containsAll(ALERT_KEYS), label + " " + body);
        assertEquals("1.0", body.path("schema_version").textValue(), label);
        assertEquals("critical", body.path("severity").textValue(), label);
        assertEquals(sceneId, body.path("scene_id").textValue(), label);
        assertEquals(h.store.bucket(), body.path("bucket").textValue(), label);
        assertTrue(body.path("manifest").isTextual(), label + body);
        String kind = body.path("kind").textValue();
        assertTrue(Set.of("checksum_failure", "gate_failure").contains(kind), label + body);
        if (kind.equals("checksum_failure")) {
          assertEquals(
              "scenes/" + sceneId + "/assets/source_checksums.json",
              body.path("manifest").textValue());
          assertEquals(3, body.path("remediation").size(), label);
          assertTrue(body.path("remediation").get(0).textValue().startsWith("Re-stage assets"));
          assertTrue(
              body.path("remediation").get(1).textValue().startsWith("Confirm storage integrity"));
          assertTrue(
              body.path("remediation").get(2).textValue().startsWith("Re-run the downstream job"));
          assertEquals(1, body.path("failures").size(), label + body);
          JsonNode f = body.path("failures").get(0);
          assertTrue(
              keys(f).containsAll(Set.of("path", "kind", "expected_sha256", "actual_sha256")));
          assertEquals("obj_1/asset.glb", f.path("path").textValue());
          assertEquals("SHA256_MISMATCH", f.path("kind").textValue());
          assertTrue(f.path("expected_sha256").textValue().matches("[0-9a-f]{64}"));
          assertTrue(f.path("actual_sha256").textValue().matches("[0-9a-f]{64}"));
        }
        assertEquals(
            Map.of("scene_id", sceneId, "kind", kind, "severity", "critical"),
            m.attributes(),
            label);
      }
    }
    assertTrue(events > 0 && alerts > 0, label);
    SceneState state = h.state();
    assertEquals(StageStatus.PASSED, state.stage(Stage.REGEN3D).status(), label);
    assertEquals(StageStatus.FAILED, state.stage(Stage.EPISODES).status(), label);
    assertEquals(Verdict.FAILED, state.verdict(), label);
  }

  // ---- poison ----

  private static final List<String> JSON_FRAGMENTS =
      List.of(
          "{",
          "}",
          "[",
          "]",
          ":",
          ",",
          "null",
          "true",
          "false",
          "-0",
          "1e999",
          "0.85",
          "99999999999999999999999",
          "\"\"",
          "\"../x\"",
          "\"\\u0000\"",
          "\"" + "a".repeat(64) + "\"",
          "\"schema_version\"",
          "\"1.0\"",
          "\"files\"",
          "\"sha256\"",
          "\"size_bytes\"",
          "\"use_geniesim\"",
          "\"summary\"",
          "\"pass_rate\"",
          "\"average_score\"",
          "\"physics_validation\"",
          "\"physx_used\"",
          "\"can_proceed\"",
          "\"blocking_failures\"",
          "\"results\"",
          "\"quality\"",
          "\"threshold\"",
          "\"episodes\"",
          "\"passed_validation\"",
          "\"source_assets\"",
          "\"recommended_use\"",
          "\"mock\"");

  /**
   * Manifests, reports and config.json made of random JSON fragments: every delivery returns
   * (failed stages, alerts), none throws, so none would be retried forever.
   */
  @Test
  void hostileContentNeverMakesADeliveryThrow() throws Exception {
    JsonLog.threshold(Severity.WARNING); // hundreds of deliveries
    try {
      for (long seed = 1; seed <= 40; seed++) {
        Random random = new Random(seed);
        HandlerHarness h = new HandlerHarness(dir.resolve("poison-" + seed), "poison_" + seed);
        h.scene.writeAllPassing();
        for (String file :
            List.of(
                "source_checksums.json",
                "assets/source_checksums.json",
                "config.json",
                "episodes/quality/validation_report.json",
                "episode-generation-job/quality_gate_report.json",
                "episodes/import_manifest.json",
                "geniesim/export_manifest.json",
                "episodes/e1/quality_certificate.json")) {
          if (random.nextInt(3) == 0) {
            StringBuilder content = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
              content.append(JSON_FRAGMENTS.get(random.nextInt(JSON_FRAGMENTS.size())));
            }
            h.scene.put(file, content.toString().getBytes(StandardCharsets.UTF_8));
          }
        }
        for (Trigger t : h.scene.allMarkers()) {
          try {
            h.deliver(t);
          } catch (IOException | RuntimeException e) {
            throw new AssertionError("seed " + seed + ": " + t.object() + " threw", e);
          }
        }
        assertTrue(h.state().outbox().isEmpty(), "seed " + seed);
      }
    } finally {
      JsonLog.threshold(Severity.INFO);
    }
  }

  // ---- routing ----

  static Stream<String> lookAlikes() {
    return Stream.of(
        "scenes/k/x/assets/.regen3d_complete",
        "scenes/k/assets/x/.regen3d_complete",
        "scenes/k/assets/source_checksums.json",
        "scenes/k/usd/source_checksums.json",
        "scenes/k/x/source_checksums.json",
        "scenes/k/source_checksums.json/",
        "scenes/k/source_checksums.json.tmp",
        "scenes/k/Source_checksums.json",
        "scenes/k/assets/.regen3d_complete/",
        "scenes/k/assets/.regen3d_complete ",
        "scenes/k/assets/.regen3d_complete\n",
        "scenes/k/assets/.regen3d_complete\u0000",
        "scenes/k/assets//.regen3d_complete",
        "scenes/k//assets/.regen3d_complete",
        "scenes/k/./assets/.regen3d_complete",
        "scenes/k/assets/./.regen3d_complete",
        "scenes/k/../k/assets/.regen3d_complete",
        "scenes/../scenes/k/assets/.regen3d_complete",
        "scenes/k%2Fassets/.regen3d_complete",
        "scenes/k/assets%2F.regen3d_complete",
        "scenes%2Fk/assets/.regen3d_complete",
        "Scenes/k/assets/.regen3d_complete",
        "scenes/k /assets/.regen3d_complete",
        "scenes/k\u00e9/assets/.regen3d_complete",
        "scenes/\u0915/assets/.regen3d_complete",
        "scenes/_k/assets/.regen3d_complete",
        "scenes/-k/assets/.regen3d_complete",
        "scenes/.k/assets/.regen3d_complete",
        "scenes/" + "a".repeat(129) + "/assets/.regen3d_complete",
        "scenes/k/.failed",
        "scenes/k/dwm/.failed",
        "scenes/k/episodes/.failed",
        "_scenegate/state/k.json",
        "_scenegate/state/k.corrupt-17.json",
        "_scenegate/scenes/k/assets/.regen3d_complete",
        "scenes/k/episodes/quality/.episodes_complete",
        "scenes/k/geniesim/job.json",
        "scenes/k/config.json");
  }

  @ParameterizedTest
  @MethodSource("lookAlikes")
  void lookAlikesOfMarkersAreDismissedWithoutAStorageOrPublishCall(String object) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ObjectStore failing =
        (ObjectStore)
            Proxy.newProxyInstance(
                ObjectStore.class.getClassLoader(),
                new Class<?>[] {ObjectStore.class},
                (proxy, method, args) -> {
                  calls.incrementAndGet();
                  throw new AssertionError("storage call " + method.getName());
                });
    EventPublisher publisher =
        m -> {
          throw new AssertionError("publish");
        };
    MarkerHandler handler =
        new MarkerHandler(
            bucket -> {
              calls.incrementAndGet();
              return failing;
            },
            publisher,
            new SimpleMeterRegistry(),
            MarkerConfig.defaults(),
            Clock.systemUTC());
    assertEquals(
        MarkerHandler.DeliveryOutcome.DISMISSED,
        handler.handle(Trigger.of("bucket", object, 3)).outcome(),
        object);
    assertEquals(0, calls.get(), object);
  }

  @Test
  void sceneIdsAtTheEdgeOfTheirPattern() {
    String longest = "A" + "b-._9".repeat(25) + "xy";
    assertEquals(128, longest.length());
    for (String id : List.of("k", "9", longest, "a.b", "a-", "a_", "a..b", "Z.z_9-")) {
      MarkerRoute route =
          MarkerRoute.parse("scenes/" + id + "/source_checksums.json").orElseThrow(() -> null);
      assertEquals(id, route.sceneId());
      assertEquals(Stage.SOURCE_IMAGE, route.stage());
    }
    for (String id : List.of(longest + "z", "", ".a", "-a", "_a", "a b", "a/b", "a\u00e9")) {
      assertTrue(
          MarkerRoute.parse("scenes/" + id + "/source_checksums.json").isEmpty(), "id " + id);
    }
  }

  // ---- configuration ----

  /**
   * DESIGN ambiguity: config.json is not a marker, so (DESIGN: non-markers are dismissed without a
   * read) writing it triggers nothing; it is read with every marker delivery, so a config that
   * arrives after the markers takes effect with the next marker of the scene.
   */
  @Test
  void aConfigArrivingAfterTheMarkersTakesEffectWithTheSceneNextMarker() throws Exception {
    HandlerHarness h = new HandlerHarness(dir, "late_config");
    h.scene.writeSourceImage();
    h.scene.writeAssets();
    h.scene.writeEpisodeReports(true);
    h.deliver(h.scene.existing("source_checksums.json"));
    for (String marker :
        List.of(
            "assets/.regen3d_complete",
            "variation_assets/.variation_pipeline_complete",
            "usd/.usd_complete",
            "episodes/.episodes_complete")) {
      h.deliver(marker);
    }
    assertEquals(StageStatus.PENDING, h.status(Stage.GENIESIM_EXPORT));
    assertEquals(Verdict.RUNNING, h.state().verdict());

    ObjectInfo config = h.scene.put("config.json", "{\"use_geniesim\":false}".getBytes());
    assertEquals(
        MarkerHandler.DeliveryOutcome.DISMISSED,
        h.deliver(Trigger.of(h.store.bucket(), config.name(), config.generation())).outcome());
    assertEquals(StageStatus.PENDING, h.status(Stage.GENIESIM_EXPORT), "nothing until a marker");

    h.deliver("dwm/.dwm_complete");
    SceneState state = h.state();
    assertEquals(StageStatus.SKIPPED, state.stage(Stage.GENIESIM_EXPORT).status());
    assertEquals(StageStatus.SKIPPED, state.stage(Stage.GENIESIM_IMPORT).status());
    assertEquals(Verdict.PASSED, state.verdict());
    JsonNode skipped = h.publisher.stageEvents("geniesim_export").get(0);
    assertEquals("skipped", skipped.path("status").textValue());
    assertEquals(config.name(), skipped.path("trigger").path("object").textValue());
    assertEquals(
        Long.toString(config.generation()), skipped.path("trigger").path("generation").textValue());
  }

  @Test
  void turningGeniesimBackOnEvaluatesTheGeniesimMarkersAlreadySeen() throws Exception {
    HandlerHarness h = new HandlerHarness(dir, "config_flip");
    h.scene.writeAllPassing();
    h.scene.writeConfig(false);
    for (Trigger t : h.scene.allMarkers()) {
      h.deliver(t);
    }
    assertEquals(StageStatus.SKIPPED, h.status(Stage.GENIESIM_IMPORT));
    assertEquals(Verdict.PASSED, h.state().verdict());

    h.scene.writeConfig(true);
    h.scene.writeImportManifest(0.5); // below MIN_QUALITY_SCORE
    h.deliver("dwm/.dwm_complete");
    SceneState state = h.state();
    assertEquals(StageStatus.PASSED, state.stage(Stage.GENIESIM_EXPORT).status());
    assertEquals(StageStatus.FAILED, state.stage(Stage.GENIESIM_IMPORT).status());
    assertEquals(Verdict.FAILED, state.verdict());
  }

  // ---- verdict ----

  @Test
  void theVerdictFailsAsSoonAsOneStageFailsAndANewerGenerationReopensIt() throws Exception {
    HandlerHarness h = new HandlerHarness(dir, "verdict_rules");
    h.scene.writeAllPassing();
    h.scene.corruptAsset();
    Trigger failing = h.scene.marker("assets/.regen3d_complete");
    h.deliver(failing);
    assertEquals(Verdict.FAILED, h.state().verdict(), "failed with every other stage pending");
    assertEquals(
        List.of("failed"),
        h.publisher.stageEvents("e2e").stream().map(e -> e.path("status").textValue()).toList());

    // Everything else passes (the assets are fixed before their other stages run): still failed.
    h.scene.restoreAssets();
    for (Trigger t : h.scene.allMarkers()) {
      if (!t.object().endsWith(".regen3d_complete")) {
        h.deliver(t);
      }
    }
    assertEquals(Verdict.FAILED, h.state().verdict());
    assertEquals(StageStatus.WAITING, h.status(Stage.DWM));

    // An older generation and the identical one change nothing and publish nothing.
    int published = h.publisher.confirmed().size();
    String before = StateCanon.of(h.state());
    assertEquals(MarkerHandler.DeliveryOutcome.DUPLICATE, h.deliver(failing).outcome());
    h.deliver(Trigger.of(failing.bucket(), failing.object(), failing.generation() - 1));
    assertEquals(published, h.publisher.confirmed().size());
    assertEquals(
        before.replaceAll("(?s)\"processed\".*", ""),
        StateCanon.of(h.state()).replaceAll("(?s)\"processed\".*", ""));

    // Remediation: a newer generation re-opens regen3d, and dwm with it; the verdict passes.
    Trigger rerun = h.scene.marker("assets/.regen3d_complete");
    h.deliver(rerun);
    assertEquals(StageStatus.PASSED, h.status(Stage.REGEN3D));
    assertEquals(StageStatus.PASSED, h.status(Stage.DWM));
    assertEquals(Verdict.PASSED, h.state().verdict());
    JsonNode last = h.publisher.stageEvents("e2e").get(h.publisher.stageEvents("e2e").size() - 1);
    assertEquals("passed", last.path("status").textValue());
    assertEquals("failed", last.path("previous_status").textValue());
    assertEquals(rerun.object(), last.path("trigger").path("object").textValue());
  }

  // ---- .failed ----

  @Test
  void failedMarkersNameStageReasonPathAndMarkerGeneration() throws Exception {
    HandlerHarness h = new HandlerHarness(dir, "failed_json");
    h.scene.writeAllPassing();
    h.scene.writeEpisodeReports(false);
    h.scene.writeManifestRaw("source_checksums.json", "{\"schema_version\":\"9.0\"}");
    Trigger source = h.scene.existing("source_checksums.json");
    h.deliver(source);
    h.deliver("usd/.usd_complete");
    Trigger episodes = h.scene.marker("episodes/.episodes_complete");
    h.deliver(episodes);

    JsonNode root = readJson(h, "scenes/failed_json/.failed");
    assertEquals("source_image", root.path("stage").textValue());
    assertTrue(root.path("reason").textValue().startsWith("MANIFEST_INVALID"), root.toString());
    assertEquals("scenes/failed_json/source_checksums.json", root.path("manifest").textValue());
    assertEquals(Long.toString(source.generation()), root.path("marker_generation").textValue());

    JsonNode gate = readJson(h, "scenes/failed_json/episodes/.failed");
    assertEquals("episodes", gate.path("stage").textValue());
    assertTrue(gate.path("reason").textValue().contains("pass_rate"), gate.toString());
    assertEquals(
        "scenes/failed_json/episodes/quality/validation_report.json",
        gate.path("report").textValue());
    assertEquals(Long.toString(episodes.generation()), gate.path("marker_generation").textValue());

    JsonNode alert = h.publisher.alerts().get(0);
    assertEquals("checksum_failure", alert.path("kind").textValue());
    assertEquals("scenes/failed_json/source_checksums.json", alert.path("manifest").textValue());
    assertEquals(0, alert.path("failures").size(), "an invalid manifest has no per-file diff");
  }

  private static JsonNode readJson(HandlerHarness h, String object) throws IOException {
    ObjectInfo info = h.store.stat(object).orElseThrow(() -> new AssertionError("no " + object));
    return EventJson.MAPPER.readTree(h.store.readSmall(object, info.generation(), 1 << 20));
  }

  // ---- outbox ----

  /**
   * A publish outage leaves the events in the outbox; the next delivery for the scene, a different
   * marker, publishes them first, under the same ids and with the same content.
   */
  @Test
  void eventsNotYetConfirmedGoOutFirstUnchangedWithTheNextDeliveryOfAnotherMarker()
      throws Exception {
    HandlerHarness h = new HandlerHarness(dir, "outbox_k");
    h.scene.writeAllPassing();
    h.publisher.failNext(1);
    Trigger regen3d = h.scene.marker("assets/.regen3d_complete");
    assertThrows(IOException.class, () -> h.deliver(regen3d));
    List<String> pending = h.state().outbox().stream().map(e -> e.data().toString()).toList();
    assertEquals(2, pending.size(), "regen3d passed and e2e running");

    h.deliver("usd/.usd_complete");
    List<String> sent =
        h.publisher.confirmed().stream()
            .map(m -> new String(m.data(), java.nio.charset.StandardCharsets.UTF_8))
            .toList();
    assertEquals(pending, sent.subList(0, 2), "the pending events first, byte for byte");
    assertEquals("usd", EventJson.MAPPER.readTree(sent.get(2)).path("stage").textValue());
    assertTrue(h.state().outbox().isEmpty());
    Map<String, Integer> perId = new HashMap<>();
    for (JsonNode e : h.publisher.stageEvents()) {
      perId.merge(e.path("event_id").textValue(), 1, Integer::sum);
    }
    assertTrue(perId.values().stream().allMatch(n -> n == 1), perId.toString());
    assertNotEquals(0, perId.size());
  }

  // ---- own writes ----

  /**
   * Every state write carries a generation precondition; scenegate writes nothing but its state and
   * {@code .failed} markers; and each of its writes, fed back as a finalize event, is dismissed.
   */
  @Test
  void ownWritesArePreconditionedStateOrFailedMarkersAndNeverTriggerWork() throws Exception {
    List<String> writes = new ArrayList<>();
    LocalObjectStore local = new LocalObjectStore(dir);
    ObjectStore recording =
        new ForwardingObjectStore(local) {
          @Override
          public ObjectInfo write(
              String name,
              byte[] data,
              String contentType,
              Map<String, String> metadata,
              Precondition precondition)
              throws IOException {
            if (metadata.containsKey("scenegate")) {
              writes.add(precondition.kind() + " " + name);
            }
            return super.write(name, data, contentType, metadata, precondition);
          }
        };
    HandlerHarness h = new HandlerHarness(recording, "own_writes", Map.of("VERIFY_THREADS", "1"));
    h.scene.writeAllPassing();
    h.scene.corruptAsset();
    h.scene.writeEpisodeReports(false);
    for (Trigger t : h.scene.allMarkers()) {
      h.deliver(t);
    }
    h.scene.restoreAssets();
    h.deliver("assets/.regen3d_complete");
    h.deliver("usd/.usd_complete");

    assertFalse(writes.isEmpty());
    for (String write : writes) {
      String kind = write.substring(0, write.indexOf(' '));
      String name = write.substring(write.indexOf(' ') + 1);
      if (name.equals("_scenegate/state/own_writes.json")
          || name.equals("_scenegate/digests/scenes/own_writes/assets/digests.json")
          || name.equals("_scenegate/digests/scenes/own_writes/digests.json")) {
        // The state, and the digest ledger (what the checksum stages hashed).
        assertTrue(Set.of("DOES_NOT_EXIST", "GENERATION_MATCH").contains(kind), write);
      } else {
        assertTrue(name.startsWith("scenes/own_writes/") && name.endsWith("/.failed"), write);
      }
      ObjectInfo info = local.stat(name).orElse(null);
      long generation = info == null ? 1 : info.generation();
      assertEquals(
          MarkerHandler.DeliveryOutcome.DISMISSED,
          h.deliver(Trigger.of(local.bucket(), name, generation)).outcome(),
          name);
    }
    assertEquals(
        List.of("DOES_NOT_EXIST _scenegate/state/own_writes.json"),
        writes.stream().filter(w -> w.startsWith("DOES_NOT_EXIST _scenegate/state/")).toList());
  }

  // ---- state document ----

  @Test
  void aStateDocumentOfAnotherSceneIsSetAsideNotWrittenForever() throws Exception {
    LocalObjectStore local = new LocalObjectStore(dir);
    HandlerHarness h = new HandlerHarness(local, "bedroom_2", Map.of("VERIFY_THREADS", "1"));
    SceneFixture other = new SceneFixture(local, "kitchen_1").writeAllPassing();
    h.scene.writeAllPassing();
    h.deliver(other.marker("usd/.usd_complete"));
    // An operator copies (or renames) one scene's state document onto another's name.
    ObjectInfo copied = local.stat("_scenegate/state/kitchen_1.json").orElseThrow();
    byte[] kitchen = local.readSmall(copied.name(), copied.generation(), 1 << 20);
    local.write(
        "_scenegate/state/bedroom_2.json",
        kitchen,
        "application/json",
        Map.of(),
        Precondition.none());

    assertEquals(MarkerHandler.DeliveryOutcome.PROCESSED, h.deliver("usd/.usd_complete").outcome());
    assertEquals("bedroom_2", h.state().sceneId());
    assertEquals(StageStatus.PASSED, h.status(Stage.USD));
    assertEquals(0.0, h.counter("scenegate.state.conflicts"), "no compare-and-set storm");
    ObjectInfo after = local.stat("_scenegate/state/kitchen_1.json").orElseThrow();
    assertEquals(copied.generation(), after.generation(), "the other scene's state is untouched");
    assertTrue(
        local.list("_scenegate/state/").stream()
            .anyMatch(o -> o.name().startsWith("_scenegate/state/bedroom_2.corrupt-")),
        "the foreign document is kept for inspection");
  }
}
