package dev.scenegate.fleet;

import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.SceneFixture;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.testing.RecordingPublisher;
import dev.scenegate.verify.Sha256;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * A fleet with a scene in every status, made by the real marker handler on any store (a local
 * folder, fake-gcs-server): the fleet view's tests and the board's browser tests share it.
 */
public final class FleetScenes {
  /** Every stage passed, the Genie Sim stages skipped ({@code use_geniesim: false}). */
  public static final String PASSED = "kitchen_passed";

  /** regen3d failed on a corrupted asset (SHA256_MISMATCH); dwm waits for it. */
  public static final String FAILED = "garage_failed";

  /** geniesim_export running for 10 hours: past SLA_RUNNING (6 h), so stale. */
  public static final String RUNNING_STALE = "attic_running";

  /** episodes waiting for usd, since just now. */
  public static final String WAITING = "cellar_waiting";

  /** dwm waiting for regen3d for 30 hours: past SLA_WAITING (24 h), so stale. */
  public static final String WAITING_STALE = "loft_waiting";

  /** regen3d failed on files whose names hold HTML. */
  public static final String HTML_FILES = "studio_html";

  /** A state document that is not JSON. */
  public static final String BROKEN = "broken_state";

  /** A state document whose name (so the scene id the listing shows) holds HTML. */
  public static final String HTML_ID = "<img src=x onerror=alert(1)>";

  /** The HTML-named file whose digest differs, and the one that is missing. */
  public static final String HTML_MISMATCH = "<img src=x onerror=alert(2)>.glb";

  public static final String HTML_MISSING = "<script>alert(3)</script>.glb";

  /** The verdict order the fleet view must show them in. */
  public static final List<String> FLEET_ORDER =
      List.of(
          // failed (latest change first), unreadable (by name), stale, running, passed
          HTML_FILES, FAILED, HTML_ID, BROKEN, RUNNING_STALE, WAITING_STALE, WAITING, PASSED);

  private final ObjectStore store;
  private final Instant now;

  public FleetScenes(ObjectStore store, Instant now) {
    this.store = store;
    this.now = now;
  }

  /** Writes every scene; the scenes' changes are spaced so their order by time is fixed. */
  public FleetScenes writeAll() throws IOException {
    passed(now.minus(Duration.ofMinutes(50)));
    waitingStale(now.minus(Duration.ofHours(30)));
    runningStale(now.minus(Duration.ofHours(10)));
    waiting(now.minus(Duration.ofMinutes(5)));
    failed(now.minus(Duration.ofMinutes(3)));
    htmlFiles(now.minus(Duration.ofMinutes(1)));
    unreadable(BROKEN, "{ this is not json");
    unreadable(HTML_ID, "<script>alert(4)</script>");
    return this;
  }

  public MarkerHandler handler(Instant at) {
    return new MarkerHandler(
        store,
        new RecordingPublisher(),
        new SimpleMeterRegistry(),
        MarkerConfig.fromEnv(Map.of("VERIFY_THREADS", "1")),
        Clock.fixed(at, ZoneOffset.UTC));
  }

  public void passed(Instant at) throws IOException {
    SceneFixture scene = new SceneFixture(store, PASSED).writeAllPassing();
    scene.writeConfig(false);
    MarkerHandler handler = handler(at);
    for (var trigger : scene.allMarkers()) {
      handler.handle(trigger);
    }
  }

  public void failed(Instant at) throws IOException {
    SceneFixture scene = new SceneFixture(store, FAILED).writeAllPassing();
    scene.corruptAsset();
    MarkerHandler handler = handler(at);
    handler.handle(scene.existing("source_checksums.json"));
    handler.handle(scene.marker("assets/.regen3d_complete"));
    handler.handle(scene.marker("dwm/.dwm_complete"));
  }

  public void runningStale(Instant at) throws IOException {
    SceneFixture scene = new SceneFixture(store, RUNNING_STALE).writeAllPassing();
    MarkerHandler handler = handler(at);
    handler.handle(scene.existing("source_checksums.json"));
    handler.handle(scene.marker("variation_assets/.variation_pipeline_complete"));
    handler.handle(scene.marker("geniesim/.geniesim_submitted"));
  }

  public void waiting(Instant at) throws IOException {
    SceneFixture scene = new SceneFixture(store, WAITING).writeAllPassing();
    MarkerHandler handler = handler(at);
    handler.handle(scene.existing("source_checksums.json"));
    handler.handle(scene.marker("episodes/.episodes_complete"));
  }

  /** The remedy of {@link #WAITING}: usd arrives, so episodes is evaluated (and passes). */
  public void unblockWaiting(Instant at) throws IOException {
    SceneFixture scene = new SceneFixture(store, WAITING);
    handler(at).handle(scene.marker("usd/.usd_complete"));
  }

  public void waitingStale(Instant at) throws IOException {
    SceneFixture scene = new SceneFixture(store, WAITING_STALE).writeAllPassing();
    handler(at).handle(scene.marker("dwm/.dwm_complete"));
  }

  public void htmlFiles(Instant at) throws IOException {
    SceneFixture scene = new SceneFixture(store, HTML_FILES);
    scene.writeSourceImage();
    byte[] content = "a mesh whose name is markup".getBytes(StandardCharsets.UTF_8);
    scene.put("assets/" + HTML_MISMATCH, content);
    byte[] claimed = "what the manifest says it was".getBytes(StandardCharsets.UTF_8);
    ChecksumManifest manifest =
        ChecksumManifest.of(
            "2025-01-01T00:00:00Z",
            "/mnt/gcs/scenes/" + HTML_FILES + "/assets",
            List.of(
                ManifestEntry.of(HTML_MISMATCH, Sha256.hex(claimed), content.length),
                ManifestEntry.of(HTML_MISSING, Sha256.hex(claimed), claimed.length)));
    scene.put("assets/source_checksums.json", ManifestCodec.write(manifest));
    MarkerHandler handler = handler(at);
    handler.handle(scene.existing("source_checksums.json"));
    handler.handle(scene.marker("assets/.regen3d_complete"));
  }

  /** Writes {@code content} as the state document of {@code name}. */
  public void unreadable(String name, String content) throws IOException {
    store.write(
        SceneStateStore.DEFAULT_PREFIX + name + ".json",
        content.getBytes(StandardCharsets.UTF_8),
        "application/json",
        Map.of(),
        Precondition.none());
  }

  /** The expected and actual SHA-256 of the corrupted asset of {@link #FAILED}, from the bucket. */
  public String[] failedDigests() throws Exception {
    String manifestName = "scenes/" + FAILED + "/assets/source_checksums.json";
    ChecksumManifest manifest =
        ManifestCodec.parse(
            store.readSmall(
                manifestName, store.stat(manifestName).orElseThrow().generation(), 1 << 20),
            manifestName);
    String path = "obj_1/asset.glb";
    String expected =
        manifest.files().stream()
            .filter(e -> e.path().equals(path))
            .findFirst()
            .orElseThrow()
            .sha256();
    String object = "scenes/" + FAILED + "/assets/" + path;
    byte[] actual = store.readSmall(object, store.stat(object).orElseThrow().generation(), 1 << 20);
    return new String[] {expected, Sha256.hex(actual)};
  }
}
