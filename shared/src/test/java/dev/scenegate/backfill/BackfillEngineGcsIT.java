package dev.scenegate.backfill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.Precondition;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.RecordingPublisher;
import dev.scenegate.verify.Sha256;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The engine against fake-gcs-server through the real GCS adapter: a fresh bucket per test. */
class BackfillEngineGcsIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsOnly();

  private static final Instant NOW = Instant.parse("2026-05-20T02:30:00Z");

  private GcsObjectStore gcs;
  private InstrumentedStore store;
  private final RecordingPublisher alerts = new RecordingPublisher();
  private final Map<String, byte[]> targets = new TreeMap<>();

  @BeforeEach
  void setUp() throws Exception {
    gcs = new GcsObjectStore(EMULATORS.gcs().storage(), EMULATORS.gcs().createBucket("backfill"));
    store = new InstrumentedStore(gcs);
    for (int s = 0; s < 6; s++) {
      String scene = String.format("scenes/scene_%02d/", s);
      for (int a = 0; a < 3; a++) {
        target(scene + "assets/obj_" + a + "/model.glb", 20_000 + 1000 * a, s * 10 + a);
      }
      target(scene + "source_image.png", 8_000, 500 + s);
      put(scene + "assets/.regen3d_complete", new byte[0]);
    }
    // scene_00's assets already have a manifest that agrees: it must stay byte for byte
    put(
        "scenes/scene_00/assets/source_checksums.json",
        ManifestCodec.write(
            ChecksumManifest.of(
                "2025-01-01T00:00:00Z",
                "/mnt/gcs/scenes/scene_00/assets",
                List.of(
                    entry("scenes/scene_00/assets/", "obj_0/model.glb"),
                    entry("scenes/scene_00/assets/", "obj_1/model.glb"),
                    entry("scenes/scene_00/assets/", "obj_2/model.glb")))));
  }

  @Test
  void freshRunThenRerunChangesNothing() throws Exception {
    long total = targets.values().stream().mapToLong(b -> b.length).sum();
    byte[] existing = gcs.readSmall("scenes/scene_00/assets/source_checksums.json", 0, 1 << 20);

    BackfillSummary first = engine(BackfillConfig.of(3)).run(BackfillListener.none());

    assertEquals(targets.size(), first.total().scanned());
    assertEquals(targets.size(), first.total().updated());
    assertEquals(total, first.total().bytesHashed());
    assertEquals(total, store.bytesRead.get());
    assertEquals(18, first.countsOf(ArtifactType.ASSET).updated());
    assertEquals(6, first.countsOf(ArtifactType.SOURCE_IMAGE).updated());
    assertEquals(11, first.manifestsCreated().size(), "5 assets folders + 6 scene roots");
    assertEquals(1, first.manifestsExisting());
    Map<String, Map<String, String>> recorded = new TreeMap<>();
    for (Map.Entry<String, byte[]> t : targets.entrySet()) {
      ObjectInfo info = gcs.stat(t.getKey()).orElseThrow();
      assertEquals(Sha256.hex(t.getValue()), info.metadata().get("sha256"), t.getKey());
      assertEquals(Long.toString(t.getValue().length), info.metadata().get("size-bytes"));
      assertEquals(Long.toString(info.generation()), info.metadata().get("sha256-generation"));
      recorded.put(t.getKey(), info.metadata());
    }
    ChecksumManifest created =
        ManifestCodec.parse(
            gcs.readSmall("scenes/scene_03/assets/source_checksums.json", 0, 1 << 20), "m");
    assertEquals(3, created.files().size());
    assertEquals(
        "gs://" + gcs.bucket() + "/scenes/scene_03/assets",
        created.root(),
        "root is informational");
    assertArrayEquals(
        existing, gcs.readSmall("scenes/scene_00/assets/source_checksums.json", 0, 1 << 20));

    store.bytesRead.set(0);
    BackfillSummary again = engine(BackfillConfig.of(3)).run(BackfillListener.none());

    assertEquals(0, store.bytesRead.get());
    assertEquals(0, again.total().updated());
    assertEquals(targets.size(), again.total().alreadyCurrent());
    assertTrue(again.manifestsCreated().isEmpty());
    for (String name : targets.keySet()) {
      assertEquals(recorded.get(name), gcs.stat(name).orElseThrow().metadata(), name);
    }
  }

  @Test
  void driftAgainstMetadataAndManifestIsAlertedAndRecorded() throws Exception {
    String name = "scenes/scene_00/assets/obj_1/model.glb";
    byte[] changed = BackfillEngineTest.bytes(21_000, 4242);
    put(name, changed); // the manifest still has the old hash
    ObjectInfo info = gcs.stat(name).orElseThrow();
    gcs.updateMetadata(name, Map.of("sha256", "ee".repeat(32)), info.metageneration());

    BackfillSummary summary = engine(BackfillConfig.of(2)).run(BackfillListener.none());

    assertEquals(1, summary.total().driftEvents());
    DriftEvent drift = summary.drift().get(0);
    assertEquals("ee".repeat(32), drift.metadataSha256());
    assertEquals(Sha256.hex(targets.get(name)), drift.manifestSha256());
    assertEquals(Sha256.hex(changed), drift.actualSha256());
    assertEquals(1, alerts.confirmed().size());
    JsonNode alert = alerts.payloads().get(0);
    assertEquals("drift", alert.path("kind").asText());
    assertEquals(gcs.bucket(), alert.path("bucket").asText());
    assertEquals(2, alert.path("failures").size());
    Map<String, String> meta = gcs.stat(name).orElseThrow().metadata();
    assertEquals(Sha256.hex(changed), meta.get("sha256"));
    assertTrue(meta.get("sha256-drifted-from").contains("ee".repeat(32)));
  }

  @Test
  void stoppedAndResumedRunHashesEachObjectOnce() throws Exception {
    long total = targets.values().stream().mapToLong(b -> b.length).sum();
    BackfillConfig config = BackfillConfig.of(2).withCheckpointEvery(3, Duration.ofHours(1));

    BackfillSummary first =
        engine(config).run(BackfillListener.none(), () -> store.bytesRead.get() >= total / 2);
    long firstBytes = store.bytesRead.get();
    assertFalse(first.complete());
    store.bytesRead.set(0);
    BackfillSummary resumed = engine(config).run(BackfillListener.none());

    assertTrue(resumed.complete());
    assertEquals(total, firstBytes + store.bytesRead.get());
    assertEquals(targets.size(), resumed.total().updated());
    assertEquals(total, resumed.total().bytesHashed());
    for (String name : targets.keySet()) {
      assertEquals(1, store.opens.get(name).get(), name);
    }
    Checkpoint stored =
        Checkpoint.parse(gcs.readSmall(Checkpoint.objectName(Shard.all()), 0, 1 << 20))
            .orElseThrow();
    assertTrue(stored.complete());
  }

  @Test
  void shardsCoverEveryObjectOnce() throws Exception {
    Set<String> seen = new HashSet<>();
    long scanned = 0;
    for (int i = 0; i < 4; i++) {
      BackfillSummary summary =
          engine(BackfillConfig.of(2).withShard(Shard.of(i, 4))).run(BackfillListener.none());
      scanned += summary.total().scanned();
      assertEquals(summary.total().scanned(), summary.total().updated());
    }
    for (String name : targets.keySet()) {
      assertEquals(1, store.opens.get(name).get(), name);
      seen.add(name);
    }
    assertEquals(targets.size(), scanned);
    assertEquals(targets.keySet(), seen);
  }

  private BackfillEngine engine(BackfillConfig config) {
    return new BackfillEngine(
        store,
        alerts,
        new SimpleMeterRegistry(),
        Clock.fixed(NOW, ZoneOffset.UTC),
        RateLimiter.unlimited(),
        config,
        new ObjectCheckpointStore(store, Checkpoint.objectName(config.shard())));
  }

  private ManifestEntry entry(String folder, String path) {
    byte[] data = targets.get(folder + path);
    return ManifestEntry.of(path, Sha256.hex(data), data.length);
  }

  private void target(String name, int size, int seed) throws Exception {
    byte[] data = BackfillEngineTest.bytes(size, seed);
    put(name, data);
    targets.put(name, data);
  }

  private void put(String name, byte[] data) throws Exception {
    gcs.write(name, data, "application/octet-stream", Map.of(), Precondition.none());
  }
}
