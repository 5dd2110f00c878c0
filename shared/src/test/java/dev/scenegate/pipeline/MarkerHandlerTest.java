package dev.scenegate.pipeline;

import static dev.scenegate.pipeline.StageStatus.FAILED;
import static dev.scenegate.pipeline.StageStatus.PASSED;
import static dev.scenegate.pipeline.StageStatus.PENDING;
import static dev.scenegate.pipeline.StageStatus.RUNNING;
import static dev.scenegate.pipeline.StageStatus.SKIPPED;
import static dev.scenegate.pipeline.StageStatus.WAITING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.ObjectInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkerHandlerTest {
  @TempDir Path dir;
  HandlerHarness h;

  @BeforeEach
  void setUp() {
    h = new HandlerHarness(dir, "kitchen_001");
  }

  @Test
  void happyPathPassesEveryStageAndTheScene() throws Exception {
    h.scene.writeAllPassing();
    List<Trigger> triggers = h.scene.allMarkers();
    for (Trigger t : triggers) {
      assertEquals(MarkerHandler.DeliveryOutcome.PROCESSED, h.deliver(t).outcome());
    }
    SceneState state = h.state();
    for (Stage stage : Stage.values()) {
      assertEquals(PASSED, state.stage(stage).status(), stage.wireName());
    }
    assertEquals(Verdict.PASSED, state.verdict());
    assertTrue(state.outbox().isEmpty(), "outbox flushed");

    List<JsonNode> events = h.publisher.stageEvents();
    // Every stage passed once, geniesim_export ran first, the verdict went running -> passed.
    for (Stage stage : Stage.values()) {
      assertEquals(
          1,
          h.publisher.stageEvents(stage.wireName()).stream()
              .filter(e -> e.path("status").asText().equals("passed"))
              .count(),
          stage.wireName());
    }
    assertEquals(
        "running", h.publisher.stageEvents("geniesim_export").get(0).path("status").asText());
    List<JsonNode> e2e = h.publisher.stageEvents("e2e");
    assertEquals(
        List.of("running", "passed"), e2e.stream().map(e -> e.path("status").asText()).toList());
    assertTrue(h.publisher.alerts().isEmpty());

    JsonNode regen3d = h.publisher.stageEvents("regen3d").get(0);
    assertEquals("1.0", regen3d.path("schema_version").asText());
    assertEquals("kitchen_001", regen3d.path("scene_id").asText());
    assertEquals("pending", regen3d.path("previous_status").asText());
    assertEquals(h.store.bucket(), regen3d.path("bucket").asText());
    assertEquals(
        "scenes/kitchen_001/assets/.regen3d_complete",
        regen3d.path("trigger").path("object").asText());
    assertEquals(
        Long.toString(triggers.get(1).generation()),
        regen3d.path("trigger").path("generation").asText());
    assertTrue(regen3d.path("trigger").path("generation").isTextual());
    assertEquals(3, regen3d.path("details").path("files_checked").asInt());
    assertFalse(regen3d.path("occurred_at").asText().isEmpty());

    OutboundMessage first = h.publisher.confirmed().get(0);
    assertEquals("kitchen_001", first.orderingKey());
    assertEquals("kitchen_001", first.attributes().get("scene_id"));
    assertEquals("source_image", first.attributes().get("stage"));
    assertEquals("passed", first.attributes().get("status"));
    assertEquals("1.0", first.attributes().get("schema_version"));

    assertEquals(9.0, h.counter("scenegate.marker.events", "outcome", "processed"));
    assertEquals(1.0, h.counter("scenegate.stage.transitions", "stage", "e2e", "status", "passed"));
    assertTrue(h.counter("scenegate.verify.bytes") > 0);
  }

  @Test
  void everyEventIdIsUniqueAndStable() throws Exception {
    h.scene.writeAllPassing();
    for (Trigger t : h.scene.allMarkers()) {
      h.deliver(t);
    }
    Set<String> ids = new HashSet<>();
    for (JsonNode e : h.publisher.stageEvents()) {
      assertTrue(ids.add(e.path("event_id").asText()), "duplicate id " + e);
      // DESIGN (rules for event_id): a stable hash of the cause, the stage and the status.
      String id = e.path("event_id").asText();
      String stage = e.path("stage").asText();
      String status = e.path("status").asText();
      assertTrue(
          h.state().processed().stream()
              .anyMatch(cause -> SceneMachine.eventId(cause, stage, status).equals(id)),
          "event_id of one of the scene's causes: " + e);
    }
  }

  @Test
  void geniesimSubmittedRunsAndALateSubmittedNeverRegresses() throws Exception {
    h.scene.writeAllPassing();
    h.deliver(h.scene.existing("source_checksums.json"));
    h.deliver("variation_assets/.variation_pipeline_complete");
    Trigger submitted = h.scene.marker("geniesim/.geniesim_submitted");
    Trigger complete = h.scene.marker("geniesim/.geniesim_complete");
    h.deliver(submitted);
    assertEquals(RUNNING, h.status(Stage.GENIESIM_EXPORT));
    h.deliver(complete);
    assertEquals(PASSED, h.status(Stage.GENIESIM_EXPORT));
    assertEquals(
        complete.generation(), h.state().stage(Stage.GENIESIM_EXPORT).trigger().generation());

    // The same submitted marker redelivered, and an older generation: nothing changes.
    int published = h.publisher.confirmed().size();
    h.deliver(submitted);
    h.deliver(Trigger.of(submitted.bucket(), submitted.object(), submitted.generation() - 1));
    assertEquals(PASSED, h.status(Stage.GENIESIM_EXPORT));
    assertEquals(published, h.publisher.confirmed().size());

    // Out of order: complete before submitted on a fresh scene ends in the same place.
    HandlerHarness other = new HandlerHarness(dir.resolve("other"), "kitchen_002");
    other.scene.writeAllPassing();
    other.deliver("variation_assets/.variation_pipeline_complete");
    Trigger s2 = other.scene.marker("geniesim/.geniesim_submitted");
    Trigger c2 = other.scene.marker("geniesim/.geniesim_complete");
    other.deliver(c2);
    other.deliver(s2);
    assertEquals(PASSED, other.status(Stage.GENIESIM_EXPORT));
    assertTrue(
        other.publisher.stageEvents("geniesim_export").stream()
            .noneMatch(e -> e.path("status").asText().equals("running")));
  }

  @Test
  void aSubmittedAfterADecidedCompleteIsKeptInTheHistoryAndChangesNoStatus() throws Exception {
    // DESIGN (Genie Sim export): a bulk copy uploads the markers in any order; the complete
    // decides, a later submitted changes no status and publishes nothing; a re-run is decided by
    // its own newer complete.
    h.scene.writeAllPassing();
    h.deliver("variation_assets/.variation_pipeline_complete");
    h.deliver("geniesim/.geniesim_complete");
    assertEquals(PASSED, h.status(Stage.GENIESIM_EXPORT));
    int published = h.publisher.confirmed().size();
    Trigger late = h.scene.marker("geniesim/.geniesim_submitted");
    h.deliver(late);
    assertEquals(PASSED, h.status(Stage.GENIESIM_EXPORT));
    assertEquals(published, h.publisher.confirmed().size(), "no event for a no-op");
    var history = h.state().stage(Stage.GENIESIM_EXPORT).history();
    var note = history.get(history.size() - 1);
    assertEquals("passed", note.from());
    assertEquals("passed", note.to());
    assertEquals(late.object(), note.trigger().object());
    assertTrue(note.reason().contains("changes no status"), note.reason());
    assertEquals(
        note.reason(), h.state().stage(Stage.GENIESIM_EXPORT).note().orElseThrow(), "for status");
    Trigger rerun = h.scene.marker("geniesim/.geniesim_complete");
    h.deliver(rerun);
    assertEquals(PASSED, h.status(Stage.GENIESIM_EXPORT));
    assertEquals(rerun.generation(), h.state().stage(Stage.GENIESIM_EXPORT).trigger().generation());
  }

  @Test
  void corruptedAssetFailsTheStageWritesFailedAndAlertsWithTheDiff() throws Exception {
    h.scene.writeAllPassing();
    String corrupted = h.scene.corruptAsset();
    Trigger marker = h.scene.marker("assets/.regen3d_complete");
    h.deliver(marker);

    assertEquals(FAILED, h.status(Stage.REGEN3D));
    assertEquals(Verdict.FAILED, h.state().verdict());
    JsonNode event = h.publisher.stageEvents("regen3d").get(0);
    assertEquals("failed", event.path("status").asText());
    assertEquals(
        "scenes/kitchen_001/assets/source_checksums.json",
        event.path("details").path("manifest").asText());

    ObjectInfo failedInfo = h.store.stat("scenes/kitchen_001/assets/.failed").orElseThrow();
    JsonNode failed =
        EventJson.MAPPER.readTree(
            h.store.readSmall(failedInfo.name(), failedInfo.generation(), 1 << 20));
    assertEquals("regen3d", failed.path("stage").asText());
    assertTrue(failed.path("reason").asText().contains(corrupted), failed.toString());
    assertEquals(
        "scenes/kitchen_001/assets/source_checksums.json", failed.path("manifest").asText());
    assertEquals(Long.toString(marker.generation()), failed.path("marker_generation").asText());

    List<JsonNode> alerts = h.publisher.alerts();
    assertEquals(1, alerts.size());
    JsonNode alert = alerts.get(0);
    assertEquals("checksum_failure", alert.path("kind").asText());
    assertEquals("critical", alert.path("severity").asText());
    assertEquals("kitchen_001", alert.path("scene_id").asText());
    assertEquals(
        "scenes/kitchen_001/assets/source_checksums.json", alert.path("manifest").asText());
    assertEquals(1, alert.path("failures").size());
    JsonNode diff = alert.path("failures").get(0);
    assertEquals(corrupted, diff.path("path").asText());
    assertEquals("SHA256_MISMATCH", diff.path("kind").asText());
    assertEquals(64, diff.path("expected_sha256").asText().length());
    assertEquals(64, diff.path("actual_sha256").asText().length());
    assertFalse(diff.path("expected_sha256").asText().equals(diff.path("actual_sha256").asText()));
    assertEquals(ChecksumAlert.REMEDIATION.size(), alert.path("remediation").size());
    assertTrue(alert.path("remediation").get(0).asText().startsWith("Re-stage assets"));
    OutboundMessage alertMessage =
        h.publisher.confirmed().stream()
            .filter(m -> m.topic() == dev.scenegate.events.Topic.CHECKSUM_ALERTS)
            .findFirst()
            .orElseThrow();
    assertEquals("checksum_failure", alertMessage.attributes().get("kind"));
    assertEquals("critical", alertMessage.attributes().get("severity"));
    assertEquals(1.0, h.counter("scenegate.alerts", "kind", "checksum_failure"));
  }

  @Test
  void remediationWithFixedAssetsAndANewMarkerGenerationPasses() throws Exception {
    h.scene.writeAllPassing();
    h.scene.corruptAsset();
    h.deliver("assets/.regen3d_complete");
    h.deliver("dwm/.dwm_complete");
    assertEquals(FAILED, h.status(Stage.REGEN3D));
    assertEquals(WAITING, h.status(Stage.DWM));
    assertTrue(h.store.stat("scenes/kitchen_001/assets/.failed").isPresent());

    // Re-delivering the failed generation changes nothing, even though the assets are fixed now.
    h.scene.restoreAssets();
    Trigger old = h.scene.existing("assets/.regen3d_complete");
    assertEquals(MarkerHandler.DeliveryOutcome.DUPLICATE, h.deliver(old).outcome());
    assertEquals(FAILED, h.status(Stage.REGEN3D));

    Trigger rerun = h.scene.marker("assets/.regen3d_complete");
    assertTrue(rerun.generation() > old.generation());
    h.deliver(rerun);
    assertEquals(PASSED, h.status(Stage.REGEN3D));
    assertEquals(PASSED, h.status(Stage.DWM), "waiting dependent evaluated in the same delivery");
    assertTrue(h.store.stat("scenes/kitchen_001/assets/.failed").isEmpty(), ".failed cleared");
    JsonNode last = h.publisher.stageEvents("regen3d").get(1);
    assertEquals("passed", last.path("status").asText());
    assertEquals("failed", last.path("previous_status").asText());
    List<Transition> history = h.state().stage(Stage.REGEN3D).history();
    assertEquals(List.of("failed", "passed"), history.stream().map(Transition::to).toList());
    assertEquals(rerun.key(), history.get(1).cause());
  }

  @Test
  void anOlderGenerationChangesNothing() throws Exception {
    h.scene.writeAllPassing();
    Trigger first = h.scene.marker("usd/.usd_complete");
    Trigger second = h.scene.marker("usd/.usd_complete");
    h.deliver(second);
    int published = h.publisher.confirmed().size();
    assertEquals(MarkerHandler.DeliveryOutcome.PROCESSED, h.deliver(first).outcome());
    assertEquals(second, toTrigger(h.state().stage(Stage.USD).trigger()));
    assertEquals(published, h.publisher.confirmed().size());
    assertEquals(1, h.state().stage(Stage.USD).history().size());
  }

  private Trigger toTrigger(MarkerRef ref) {
    return Trigger.of(h.store.bucket(), ref.object(), ref.generation());
  }

  @Test
  void aMarkerBeforeItsPrerequisiteWaitsAndIsEvaluatedWhenItPasses() throws Exception {
    h.scene.writeAllPassing();
    h.deliver("episodes/.episodes_complete");
    assertEquals(WAITING, h.status(Stage.EPISODES));
    JsonNode waiting = h.publisher.stageEvents("episodes").get(0);
    assertEquals("waiting", waiting.path("status").asText());
    assertEquals("usd", waiting.path("details").path("waiting_for").asText());
    h.deliver("geniesim/.geniesim_import_complete");
    assertEquals(WAITING, h.status(Stage.GENIESIM_IMPORT));
    h.deliver("geniesim/.geniesim_complete");
    assertEquals(WAITING, h.status(Stage.GENIESIM_EXPORT));

    h.deliver("usd/.usd_complete");
    assertEquals(PASSED, h.status(Stage.USD));
    assertEquals(PASSED, h.status(Stage.EPISODES));

    // A chain: variation_assets passing releases geniesim_export, which releases geniesim_import.
    h.deliver("variation_assets/.variation_pipeline_complete");
    assertEquals(PASSED, h.status(Stage.GENIESIM_EXPORT));
    assertEquals(PASSED, h.status(Stage.GENIESIM_IMPORT));
  }

  @Test
  void aFailedPrerequisiteKeepsItsDependentWaiting() throws Exception {
    h.scene.writeAllPassing();
    h.scene.corruptAsset();
    h.deliver("usd/.usd_complete");
    h.deliver("episodes/.episodes_complete");
    assertEquals(FAILED, h.status(Stage.USD));
    assertEquals(WAITING, h.status(Stage.EPISODES));
    assertEquals(Verdict.FAILED, h.state().verdict());
  }

  @Test
  void useGeniesimFalseSkipsBothGeniesimStagesAndTheScenePasses() throws Exception {
    h.scene.writeSourceImage();
    h.scene.writeAssets();
    h.scene.writeEpisodeReports(true);
    h.scene.writeConfig(false);
    for (String marker :
        List.of(
            "assets/.regen3d_complete",
            "variation_assets/.variation_pipeline_complete",
            "usd/.usd_complete",
            "episodes/.episodes_complete",
            "dwm/.dwm_complete")) {
      h.deliver(marker);
    }
    assertEquals(Verdict.RUNNING, h.state().verdict(), "source image not yet delivered");
    h.deliver(h.scene.existing("source_checksums.json"));
    SceneState state = h.state();
    assertEquals(SKIPPED, state.stage(Stage.GENIESIM_EXPORT).status());
    assertEquals(SKIPPED, state.stage(Stage.GENIESIM_IMPORT).status());
    assertEquals(
        "scenes/kitchen_001/config.json", state.stage(Stage.GENIESIM_EXPORT).trigger().object());
    assertEquals(Verdict.PASSED, state.verdict());
    assertEquals(1, h.publisher.stageEvents("geniesim_import").size());
    assertEquals(
        "skipped", h.publisher.stageEvents("geniesim_import").get(0).path("status").asText());

    // A geniesim marker arriving anyway does not un-skip.
    h.deliver("geniesim/.geniesim_complete");
    assertEquals(SKIPPED, h.status(Stage.GENIESIM_EXPORT));
    assertEquals(Verdict.PASSED, h.state().verdict());
  }

  @Test
  void theSameMarkerTenTimesIsOneTransitionAndOneEventId() throws Exception {
    h.scene.writeAllPassing();
    Trigger marker = h.scene.marker("assets/.regen3d_complete");
    List<MarkerHandler.DeliveryOutcome> outcomes = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      outcomes.add(h.deliver(marker).outcome());
    }
    assertEquals(MarkerHandler.DeliveryOutcome.PROCESSED, outcomes.get(0));
    assertTrue(
        outcomes.subList(1, 10).stream()
            .allMatch(o -> o == MarkerHandler.DeliveryOutcome.DUPLICATE));
    assertEquals(1, h.state().stage(Stage.REGEN3D).history().size());
    List<JsonNode> events = h.publisher.stageEvents("regen3d");
    assertEquals(1, events.size());
    assertEquals(9.0, h.counter("scenegate.marker.events", "outcome", "duplicate"));
    assertEquals(
        1.0, h.counter("scenegate.stage.transitions", "stage", "regen3d", "status", "passed"));
  }

  @Test
  void aCrashBetweenStateWriteAndPublishRepublishesOncePerEventId() throws Exception {
    h.scene.writeAllPassing();
    h.scene.corruptAsset();
    Trigger marker = h.scene.marker("assets/.regen3d_complete");
    // regen3d failed + e2e failed + alert: three messages. The first publish fails.
    h.publisher.failNext(1);
    assertThrows(IOException.class, () -> h.deliver(marker));
    assertTrue(h.publisher.confirmed().isEmpty());
    SceneState pending = h.state();
    assertEquals(FAILED, pending.stage(Stage.REGEN3D).status(), "state written before publish");
    assertEquals(
        3, pending.outbox().stream().filter(e -> e.kind() == OutboxEntry.Kind.PUBLISH).count());

    assertEquals(MarkerHandler.DeliveryOutcome.DUPLICATE, h.deliver(marker).outcome());
    assertTrue(h.state().outbox().isEmpty());
    assertEquals(3, h.publisher.confirmed().size());
    // And nothing more on further redeliveries.
    h.deliver(marker);
    assertEquals(3, h.publisher.confirmed().size());
    assertEquals(1, h.state().stage(Stage.REGEN3D).history().size());
  }

  @Test
  void aPublishFailureMidwayRepublishesOnlyWhatWasNotConfirmed() throws Exception {
    h.scene.writeAllPassing();
    h.scene.corruptAsset();
    Trigger marker = h.scene.marker("assets/.regen3d_complete");
    h.publisher.failAfter(1); // the stage event goes out, then the alert fails
    assertThrows(IOException.class, () -> h.deliver(marker));
    assertEquals(1, h.publisher.confirmed().size());
    h.deliver(marker);
    List<String> ids = new java.util.ArrayList<>();
    for (JsonNode e : h.publisher.stageEvents()) {
      ids.add(e.path("event_id").asText());
    }
    for (JsonNode a : h.publisher.alerts()) {
      ids.add(a.path("alert_id").asText());
    }
    assertEquals(3, ids.size());
    assertEquals(3, new HashSet<>(ids).size(), "each id published exactly once: " + ids);
  }

  @Test
  void invalidAndMissingManifestsArePoisonNotRetries() throws Exception {
    h.scene.writeAllPassing();
    h.scene.writeManifestRaw(
        "assets/source_checksums.json",
        "{\"schema_version\":\"1.0\",\"files\":{\"../escape\":{\"sha256\":\""
            + "a".repeat(64)
            + "\",\"size_bytes\":1}}}");
    MarkerHandler.Result result = h.deliver("usd/.usd_complete");
    assertEquals(MarkerHandler.DeliveryOutcome.PROCESSED, result.outcome());
    assertEquals(FAILED, h.status(Stage.USD));
    assertTrue(
        h.state().stage(Stage.USD).outcome().reason().startsWith("MANIFEST_INVALID"),
        h.state().stage(Stage.USD).outcome().reason());
    assertEquals(1, h.publisher.alerts().size());
    assertTrue(h.store.stat("scenes/kitchen_001/usd/.failed").isPresent());

    HandlerHarness bare = new HandlerHarness(dir.resolve("bare"), "empty_scene");
    bare.deliver("assets/.regen3d_complete");
    assertEquals(FAILED, bare.status(Stage.REGEN3D));
    assertTrue(bare.state().stage(Stage.REGEN3D).outcome().reason().startsWith("MANIFEST_MISSING"));
    assertEquals("checksum_failure", bare.publisher.alerts().get(0).path("kind").asText());
  }

  @Test
  void aFailedStageWritesFailedMarkerInTheSceneRootForTheSourceImage() throws Exception {
    h.scene.writeSourceImage();
    h.scene.put("source_image.png", new byte[] {1, 2, 3});
    h.deliver(h.scene.existing("source_checksums.json"));
    assertEquals(FAILED, h.status(Stage.SOURCE_IMAGE));
    assertTrue(h.store.stat("scenes/kitchen_001/.failed").isPresent());
    JsonNode diff = h.publisher.alerts().get(0).path("failures").get(0);
    assertEquals("SIZE_MISMATCH", diff.path("kind").asText());
    assertEquals(4096, diff.path("expected_size").asLong());
    assertEquals(3, diff.path("actual_size").asLong());
  }

  @Test
  void pendingStagesAreNeverPublishedAndTheFirstMarkerStartsTheScene() throws Exception {
    h.scene.writeAllPassing();
    h.deliver("usd/.usd_complete");
    SceneState state = h.state();
    assertEquals(PENDING, state.stage(Stage.DWM).status());
    assertEquals(Verdict.RUNNING, state.verdict());
    assertTrue(
        h.publisher.stageEvents().stream()
            .noneMatch(e -> e.path("status").asText().equals("pending")));
    assertNotNull(state.stage(Stage.USD).outcome());
  }
}
