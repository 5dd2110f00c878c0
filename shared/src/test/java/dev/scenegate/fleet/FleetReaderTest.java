package dev.scenegate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.pipeline.Verdict;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.testing.ForwardingObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetReaderTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @TempDir Path dir;

  /** Counts document reads, to show what a second read of the fleet costs. */
  private static final class CountingStore extends ForwardingObjectStore {
    final AtomicInteger reads = new AtomicInteger();

    CountingStore(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public java.io.InputStream open(String name, long generation) throws IOException {
      reads.incrementAndGet();
      return delegate.open(name, generation);
    }
  }

  private FleetReader reader(ObjectStore store) {
    return new FleetReader(
        store,
        SceneStateStore.DEFAULT_PREFIX,
        Deadlines.defaults(),
        Clock.fixed(NOW, ZoneOffset.UTC),
        4);
  }

  @Test
  void everySceneFailuresFirstThenUnreadableStaleRunningPassed() throws Exception {
    LocalObjectStore store = new LocalObjectStore(dir);
    new FleetScenes(store, NOW).writeAll();
    try (FleetReader reader = reader(store)) {
      FleetView view = reader.read();
      assertEquals(
          FleetScenes.FLEET_ORDER, view.scenes().stream().map(SceneSummary::sceneId).toList());
      assertEquals(
          Map.of("failed", 2, "unreadable", 2, "running", 3, "pending", 0, "passed", 1),
          view.counts());
      assertEquals(
          List.of("failed", "unreadable", "running", "pending", "passed"),
          List.copyOf(view.counts().keySet()));

      SceneSummary failed = scene(view, FleetScenes.FAILED);
      assertEquals(List.of("regen3d"), failed.failedStages());
      assertEquals(List.of("dwm"), failed.waitingStages());
      assertTrue(failed.stale().isEmpty());

      SceneSummary running = scene(view, FleetScenes.RUNNING_STALE);
      assertEquals(Verdict.RUNNING, running.verdict());
      assertEquals(List.of("geniesim_export"), running.runningStages());
      assertEquals(1, running.stale().size());
      assertEquals(Stage.GENIESIM_EXPORT, running.stale().get(0).stage());
      assertEquals("2026-12-01T02:00:00Z", running.stale().get(0).since());

      SceneSummary waitingStale = scene(view, FleetScenes.WAITING_STALE);
      assertEquals(List.of("dwm"), waitingStale.waitingStages());
      assertEquals(Stage.DWM, waitingStale.stale().get(0).stage());
      assertTrue(scene(view, FleetScenes.WAITING).stale().isEmpty(), "waiting for 5 minutes");

      SceneSummary passed = scene(view, FleetScenes.PASSED);
      assertEquals(Verdict.PASSED, passed.verdict());
      assertEquals(
          StageStatus.SKIPPED, passed.cells().get(Stage.GENIESIM_EXPORT.ordinal()).status());

      SceneSummary broken = scene(view, FleetScenes.BROKEN);
      assertTrue(broken.isUnreadable());
      assertEquals("unreadable", broken.verdictName());
      assertEquals("not JSON", broken.error());
      assertTrue(scene(view, FleetScenes.HTML_ID).isUnreadable());
    }
  }

  @Test
  void jsonIsDesignsShape() throws Exception {
    LocalObjectStore store = new LocalObjectStore(dir);
    new FleetScenes(store, NOW).writeAll();
    try (FleetReader reader = reader(store)) {
      JsonNode json = reader.read().toJson();
      assertEquals(List.of("scenes", "counts"), fieldNames(json));
      JsonNode running = json.path("scenes").get(4);
      assertEquals(FleetScenes.RUNNING_STALE, running.path("scene_id").asText());
      assertEquals(
          List.of(
              "scene_id",
              "verdict",
              "updated_at",
              "failed_stages",
              "waiting_stages",
              "running_stages",
              "stale"),
          fieldNames(running));
      assertEquals("geniesim_export", running.path("stale").get(0).path("stage").asText());
      assertEquals("2026-12-01T02:00:00Z", running.path("stale").get(0).path("since").asText());
      JsonNode broken = json.path("scenes").get(3);
      assertEquals("unreadable", broken.path("verdict").asText());
      assertEquals("not JSON", broken.path("error").asText());
      assertTrue(broken.path("updated_at").isNull());
      assertEquals(2, json.path("counts").path("failed").asInt());
    }
  }

  @Test
  void filtersKeepFailedStaleOrEither() throws Exception {
    LocalObjectStore store = new LocalObjectStore(dir);
    new FleetScenes(store, NOW).writeAll();
    try (FleetReader reader = reader(store)) {
      FleetView view = reader.read();
      assertEquals(
          List.of(FleetScenes.HTML_FILES, FleetScenes.FAILED), ids(view.filter(true, false)));
      assertEquals(
          List.of(FleetScenes.RUNNING_STALE, FleetScenes.WAITING_STALE),
          ids(view.filter(false, true)));
      assertEquals(
          List.of(
              FleetScenes.HTML_FILES,
              FleetScenes.FAILED,
              FleetScenes.RUNNING_STALE,
              FleetScenes.WAITING_STALE),
          ids(view.filter(true, true)));
      assertEquals(view, view.filter(false, false));
    }
  }

  @Test
  void onlyDocumentsThatChangedAreReadAgain() throws Exception {
    CountingStore store = new CountingStore(new LocalObjectStore(dir));
    FleetScenes fleet = new FleetScenes(new LocalObjectStore(dir), NOW).writeAll();
    try (FleetReader reader = reader(store)) {
      assertEquals(8, reader.read().scenes().size());
      assertEquals(8, store.reads.get(), "one read per scene");
      reader.read();
      assertEquals(8, store.reads.get(), "nothing changed, nothing read");
      fleet.unblockWaiting(NOW);
      FleetView after = reader.read();
      assertEquals(9, store.reads.get(), "the changed scene only");
      assertTrue(scene(after, FleetScenes.WAITING).waitingStages().isEmpty());
    }
  }

  @Test
  void setAsideCopiesAndTheAlertLedgerAreNotScenes() throws Exception {
    LocalObjectStore store = new LocalObjectStore(dir);
    FleetScenes fleet = new FleetScenes(store, NOW);
    fleet.failed(NOW);
    fleet.unreadable(FleetScenes.FAILED + ".corrupt-1234", "{}");
    fleet.unreadable("alerts/delivered/abc/hook", "{}");
    try (FleetReader reader = reader(store)) {
      assertEquals(List.of(FleetScenes.FAILED), ids(reader.read()));
    }
  }

  @Test
  void aDocumentOfAnotherSceneIsUnreadable() throws Exception {
    LocalObjectStore store = new LocalObjectStore(dir);
    FleetScenes fleet = new FleetScenes(store, NOW);
    fleet.failed(NOW);
    byte[] copy =
        store.readSmall(
            "_scenegate/state/" + FleetScenes.FAILED + ".json",
            store
                .stat("_scenegate/state/" + FleetScenes.FAILED + ".json")
                .orElseThrow()
                .generation(),
            1 << 20);
    fleet.unreadable("copied_scene", new String(copy, StandardCharsets.UTF_8));
    try (FleetReader reader = reader(store)) {
      SceneSummary copied = scene(reader.read(), "copied_scene");
      assertEquals("state document belongs to scene " + FleetScenes.FAILED, copied.error());
    }
  }

  @Test
  void aSceneInFull() throws Exception {
    LocalObjectStore store = new LocalObjectStore(dir);
    FleetScenes fleet = new FleetScenes(store, NOW);
    fleet.failed(NOW);
    String[] digests = fleet.failedDigests();
    try (FleetReader reader = reader(store)) {
      FleetReader.SceneDetail detail = reader.scene(FleetScenes.FAILED).orElseThrow();
      SceneDocument.StageEntry regen3d = detail.document().stages().get(Stage.REGEN3D.ordinal());
      assertEquals(StageStatus.FAILED, regen3d.status());
      SceneDocument.Failure failure = regen3d.failure();
      assertEquals("checksum", failure.kind());
      assertEquals(
          "scenes/" + FleetScenes.FAILED + "/assets/source_checksums.json", failure.path());
      SceneDocument.FileFailure file = failure.files().get(0);
      assertEquals("obj_1/asset.glb", file.path());
      assertEquals("SHA256_MISMATCH", file.kind());
      assertEquals(digests[0], file.expectedSha256());
      assertEquals(digests[1], file.actualSha256());
      assertEquals(file.expectedSize(), file.actualSize());
      assertEquals(3, failure.remediation().size());
      FleetReader.FailedMarker marker = detail.failedMarkers().get("regen3d");
      assertEquals("scenes/" + FleetScenes.FAILED + "/assets/.failed", marker.object());
      assertNotNull(marker.text(), marker.problem());
      assertEquals(
          "regen3d",
          dev.scenegate.events.EventJson.MAPPER.readTree(marker.text()).path("stage").asText());
      assertNull(detail.document().stages().get(Stage.DWM.ordinal()).failure());
      assertEquals("regen3d", detail.document().stages().get(Stage.DWM.ordinal()).waitingFor());
      // The alert was published (the outbox is empty): it is known from the history.
      assertEquals(1, detail.document().alerts().size());
      SceneDocument.RaisedAlert alert = detail.document().alerts().get(0);
      assertEquals("checksum_failure", alert.kind());
      assertEquals("regen3d", alert.stage());
      assertTrue(alert.confirmed());
      assertTrue(
          detail.document().timeline().stream()
              .anyMatch(t -> t.stage().equals("e2e") && "failed".equals(t.to())));
      assertTrue(reader.scene("nowhere_1").isEmpty());
    }
  }

  private static SceneSummary scene(FleetView view, String id) {
    return view.scenes().stream().filter(s -> s.sceneId().equals(id)).findFirst().orElseThrow();
  }

  private static List<String> ids(FleetView view) {
    return view.scenes().stream().map(SceneSummary::sceneId).toList();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
