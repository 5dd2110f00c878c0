package dev.scenegate.backfill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.events.Topic;
import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.ledger.DigestRecord;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.testing.RecordingPublisher;
import dev.scenegate.verify.Sha256;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackfillEngineTest {
  private static final Instant NOW = Instant.parse("2026-05-20T02:30:00Z");

  @TempDir Path root;
  private LocalObjectStore local;
  private InstrumentedStore store;
  private final RecordingPublisher alerts = new RecordingPublisher();
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

  /** Every object the backfill must hash, with its content. */
  private final Map<String, byte[]> targets = new TreeMap<>();

  @BeforeEach
  void setUp() throws IOException {
    local = new LocalObjectStore(root);
    store = new InstrumentedStore(local);
    JsonLog.redirect(new PrintStream(logs, true, StandardCharsets.UTF_8));
    // kitchen_001: no manifests at all
    target("scenes/kitchen_001/assets/obj_1/asset.glb", 3000, 1);
    target("scenes/kitchen_001/assets/obj_2/mesh.obj", 5000, 2);
    target("scenes/kitchen_001/source_image.png", 2000, 3);
    file("scenes/kitchen_001/assets/.regen3d_complete", new byte[0]);
    file("scenes/kitchen_001/config.json", "{}".getBytes(StandardCharsets.UTF_8));
    // lab_002: both manifests exist and agree
    target("scenes/lab_002/assets/a.bin", 1000, 4);
    target("scenes/lab_002/source_image.png", 1500, 5);
    manifest("scenes/lab_002/assets/", Map.of("a.bin", targets.get("scenes/lab_002/assets/a.bin")));
    manifest(
        "scenes/lab_002/",
        Map.of("source_image.png", targets.get("scenes/lab_002/source_image.png")));
    // not a scene id: left alone
    file("scenes/_scratch/assets/x.bin", new byte[] {1, 2, 3});
    file("other/assets/y.bin", new byte[] {4});
  }

  @AfterEach
  void restoreLog() {
    JsonLog.redirect(System.err);
  }

  @Test
  void freshRunRecordsEveryHashAndCreatesMissingManifests() throws Exception {
    BackfillSummary summary = engine(config(2)).run(BackfillListener.none());

    long total = targets.values().stream().mapToLong(b -> b.length).sum();
    assertEquals(5, summary.total().scanned());
    assertEquals(5, summary.total().updated());
    assertEquals(0, summary.total().alreadyCurrent());
    assertEquals(0, summary.total().driftEvents());
    assertEquals(0, summary.total().skipped());
    assertEquals(5, summary.total().filesHashed());
    assertEquals(total, summary.total().bytesHashed());
    assertEquals(total, store.bytesRead.get());
    assertEquals(3, summary.countsOf(ArtifactType.ASSET).updated());
    assertEquals(2, summary.countsOf(ArtifactType.SOURCE_IMAGE).updated());
    assertEquals(3500, summary.countsOf(ArtifactType.SOURCE_IMAGE).bytesHashed());
    assertTrue(summary.complete());
    assertTrue(summary.skipped().isEmpty());

    for (Map.Entry<String, byte[]> t : targets.entrySet()) {
      ObjectInfo info = local.stat(t.getKey()).orElseThrow();
      Map<String, String> meta = info.metadata();
      assertEquals(Sha256.hex(t.getValue()), meta.get("sha256"), t.getKey());
      assertEquals(Long.toString(t.getValue().length), meta.get("size-bytes"));
      assertEquals(Long.toString(info.generation()), meta.get("sha256-generation"));
      assertEquals("2026-05-20T02:30:00Z", meta.get("sha256-computed-at"));
      assertEquals(1, store.opens.get(t.getKey()).get(), "hashed once: " + t.getKey());
    }
    // kitchen_001 had no manifests: both created, from the hashes, create-only
    assertEquals(
        List.of(
            "scenes/kitchen_001/assets/source_checksums.json",
            "scenes/kitchen_001/source_checksums.json"),
        summary.manifestsCreated());
    assertEquals(2, summary.manifestsExisting());
    ChecksumManifest assets = readManifest("scenes/kitchen_001/assets/source_checksums.json");
    assertEquals(Set.of("obj_1/asset.glb", "obj_2/mesh.obj"), assets.byPath().keySet());
    assertEquals(
        Sha256.hex(targets.get("scenes/kitchen_001/assets/obj_2/mesh.obj")),
        assets.byPath().get("obj_2/mesh.obj").sha256());
    assertEquals(5000, assets.byPath().get("obj_2/mesh.obj").sizeBytes());
    assertEquals(root.resolve("scenes/kitchen_001/assets").toString(), assets.root());
    ChecksumManifest scene = readManifest("scenes/kitchen_001/source_checksums.json");
    assertEquals(Set.of("source_image.png"), scene.byPath().keySet());
    // out of scope: never touched
    assertTrue(local.stat("scenes/_scratch/assets/x.bin").orElseThrow().metadata().isEmpty());
    assertTrue(local.stat("scenes/kitchen_001/config.json").orElseThrow().metadata().isEmpty());
    assertTrue(
        local
            .stat("scenes/kitchen_001/assets/.regen3d_complete")
            .orElseThrow()
            .metadata()
            .isEmpty());
    assertTrue(alerts.confirmed().isEmpty());
  }

  @Test
  void rerunChangesNothing() throws Exception {
    engine(config(2)).run(BackfillListener.none());
    Map<String, Long> metagenerations = metagenerations();
    byte[] createdManifest =
        Files.readAllBytes(root.resolve("scenes/kitchen_001/source_checksums.json"));
    store.bytesRead.set(0);

    BackfillSummary again = engine(config(2)).run(BackfillListener.none());

    assertEquals(0, store.bytesRead.get());
    assertEquals(0, again.total().bytesHashed());
    assertEquals(0, again.total().updated());
    assertEquals(5, again.total().alreadyCurrent());
    assertEquals(5, again.total().scanned());
    assertEquals(0, again.total().driftEvents());
    assertTrue(again.manifestsCreated().isEmpty());
    assertEquals(4, again.manifestsExisting());
    assertEquals(metagenerations, metagenerations());
    assertArrayEquals(
        createdManifest,
        Files.readAllBytes(root.resolve("scenes/kitchen_001/source_checksums.json")));
    assertTrue(alerts.confirmed().isEmpty());
  }

  @Test
  void metadataDriftIsLoggedAlertedAndOverwritten() throws Exception {
    String name = "scenes/kitchen_001/assets/obj_1/asset.glb";
    String stale = "ab".repeat(32);
    ObjectInfo before = local.stat(name).orElseThrow();
    // recorded for an earlier generation (a stale hash): not current, so it is checked
    local.updateMetadata(
        name,
        RecordedHash.metadataFor(stale, 3000, before.generation() - 1, "2025-01-01T00:00:00Z"),
        before.metageneration());
    String actual = Sha256.hex(targets.get(name));

    BackfillSummary summary = engine(config(1)).run(BackfillListener.none());

    assertEquals(1, summary.total().driftEvents());
    assertEquals(5, summary.total().updated());
    DriftEvent drift = summary.drift().get(0);
    assertEquals(name, drift.object());
    assertEquals(stale, drift.metadataSha256());
    assertEquals(actual, drift.actualSha256());
    assertNull(drift.manifestSha256());
    // the alert, as published
    assertEquals(1, alerts.confirmed().size());
    OutboundMessage message = alerts.confirmed().get(0);
    assertEquals(Topic.CHECKSUM_ALERTS, message.topic());
    assertEquals("drift", message.attributes().get("kind"));
    assertEquals("kitchen_001", message.attributes().get("scene_id"));
    JsonNode alert = alerts.payloads().get(0);
    assertEquals("drift", alert.path("kind").asText());
    assertEquals("kitchen_001", alert.path("scene_id").asText());
    assertEquals(drift.alertId(), alert.path("alert_id").asText());
    assertEquals("obj_1/asset.glb", alert.path("failures").get(0).path("path").asText());
    assertEquals(stale, alert.path("failures").get(0).path("expected_sha256").asText());
    assertEquals(actual, alert.path("failures").get(0).path("actual_sha256").asText());
    assertEquals(name, alert.path("object").asText());
    assertEquals(Long.toString(before.generation()), alert.path("generation").asText());
    assertTrue(alert.path("remediation").size() >= 2);
    // the loud log line: object, old, new, generation, updated time, mtime
    JsonNode line = logLine("sha256 drift");
    assertEquals("CRITICAL", line.path("severity").asText());
    assertEquals(stale, line.path("old_sha256").asText());
    assertEquals(actual, line.path("new_sha256").asText());
    assertEquals(Long.toString(before.generation()), line.path("generation").asText());
    assertTrue(line.path("object").asText().endsWith(name));
    assertFalse(line.path("updated").asText().isEmpty());
    assertFalse(line.path("mtime").asText().isEmpty());
    // the new hash is recorded, the old one kept for review
    Map<String, String> meta = local.stat(name).orElseThrow().metadata();
    assertEquals(actual, meta.get("sha256"));
    assertEquals(stale, meta.get("sha256-drifted-from"));
    assertEquals("2026-05-20T02:30:00Z", meta.get("sha256-drift-detected-at"));

    // a re-run finds nothing new
    alerts.clear();
    BackfillSummary again = engine(config(1)).run(BackfillListener.none());
    assertEquals(0, again.total().driftEvents());
    assertEquals(0, again.total().bytesHashed());
    assertTrue(alerts.confirmed().isEmpty());
  }

  @Test
  void manifestDriftIsAlertedOnceAndTheManifestIsNeverRewritten() throws Exception {
    String name = "scenes/lab_002/assets/a.bin";
    byte[] changed = bytes(1000, 99);
    file(name, changed);
    targets.put(name, changed);
    Path manifestFile = root.resolve("scenes/lab_002/assets/source_checksums.json");
    byte[] manifestBefore = Files.readAllBytes(manifestFile);

    BackfillSummary summary = engine(config(2)).run(BackfillListener.none());

    assertEquals(1, summary.total().driftEvents());
    DriftEvent drift = summary.drift().get(0);
    assertEquals(name, drift.object());
    assertEquals("scenes/lab_002/assets/source_checksums.json", drift.manifest());
    assertEquals(Sha256.hex(bytes(1000, 4)), drift.manifestSha256());
    assertEquals(Sha256.hex(changed), drift.actualSha256());
    JsonNode alert = alerts.payloads().get(0);
    assertEquals("scenes/lab_002/assets/source_checksums.json", alert.path("manifest").asText());
    assertEquals("a.bin", alert.path("failures").get(0).path("path").asText());
    assertArrayEquals(manifestBefore, Files.readAllBytes(manifestFile));
    assertEquals(Sha256.hex(changed), local.stat(name).orElseThrow().metadata().get("sha256"));

    // The standing disagreement stays visible on a re-run but is not alerted again.
    alerts.clear();
    BackfillSummary again = engine(config(2)).run(BackfillListener.none());
    assertEquals(0, again.total().driftEvents());
    assertEquals(1, again.total().knownDrift());
    assertEquals(0, again.total().updated());
    assertEquals(0, again.total().bytesHashed());
    assertTrue(alerts.confirmed().isEmpty());
    assertArrayEquals(manifestBefore, Files.readAllBytes(manifestFile));
  }

  @Test
  void currentMetadataThatDisagreesWithAManifestIsSettledByReading() throws Exception {
    String name = "scenes/lab_002/source_image.png";
    String wrong = "cd".repeat(32);
    ObjectInfo info = local.stat(name).orElseThrow();
    // Recorded for this very generation by someone else, but the manifest says otherwise.
    local.updateMetadata(
        name,
        RecordedHash.metadataFor(wrong, info.size(), info.generation(), "2026-01-01T00:00:00Z"),
        info.metageneration());

    BackfillSummary summary = engine(config(1)).run(BackfillListener.none());

    assertEquals(1, store.opens.get(name).get());
    assertEquals(1, summary.total().driftEvents());
    DriftEvent drift = summary.drift().get(0);
    assertEquals(wrong, drift.metadataSha256());
    assertNull(drift.manifestSha256(), "the manifest was right");
    assertEquals(Sha256.hex(targets.get(name)), drift.actualSha256());
    assertEquals(1, alerts.confirmed().size());
    assertEquals(
        Sha256.hex(targets.get(name)), local.stat(name).orElseThrow().metadata().get("sha256"));
  }

  @Test
  void legacyHashWithoutGenerationIsCompletedNotDrift() throws Exception {
    String name = "scenes/kitchen_001/source_image.png";
    ObjectInfo info = local.stat(name).orElseThrow();
    local.updateMetadata(name, Map.of("sha256", Sha256.hex(targets.get(name))), 1);

    BackfillSummary summary = engine(config(1)).run(BackfillListener.none());

    assertEquals(0, summary.total().driftEvents());
    assertEquals(5, summary.total().updated());
    assertEquals(
        Long.toString(info.generation()),
        local.stat(name).orElseThrow().metadata().get("sha256-generation"));
  }

  @Test
  void metadataCarriedOverToANewGenerationIsNotTrusted() throws Exception {
    engine(config(1)).run(BackfillListener.none());
    String name = "scenes/kitchen_001/assets/obj_1/asset.glb";
    Map<String, String> old = local.stat(name).orElseThrow().metadata();
    // Rewritten with the old metadata copied along (as a careless copy would).
    byte[] replaced = bytes(3000, 77);
    local.write(name, replaced, null, old, dev.scenegate.storage.Precondition.none());
    alerts.clear();

    BackfillSummary summary = engine(config(1)).run(BackfillListener.none());

    assertEquals(1, summary.total().updated());
    assertEquals(1, summary.total().driftEvents());
    assertEquals(old.get("sha256"), summary.drift().get(0).metadataSha256());
    assertEquals(Sha256.hex(replaced), local.stat(name).orElseThrow().metadata().get("sha256"));
  }

  @Test
  void garbageInTheMetadataIsStaleDriftNotACrash() throws Exception {
    String name = "scenes/kitchen_001/assets/obj_2/mesh.obj";
    String garbage = "not,a,hash " + "x".repeat(200);
    ObjectInfo info = local.stat(name).orElseThrow();
    local.updateMetadata(
        name,
        Map.of("sha256", garbage, "sha256-generation", "soon", "size-bytes", "-1"),
        info.metageneration());

    BackfillSummary summary = engine(config(1)).run(BackfillListener.none());

    assertEquals(1, summary.total().driftEvents());
    assertTrue(summary.drift().get(0).metadataSha256().length() < 100, "shown trimmed");
    Map<String, String> meta = local.stat(name).orElseThrow().metadata();
    assertEquals(Sha256.hex(targets.get(name)), meta.get("sha256"));
    assertEquals(Long.toString(info.generation()), meta.get("sha256-generation"));
    assertEquals("5000", meta.get("size-bytes"));
    assertEquals("", meta.getOrDefault("sha256-drifted-from", ""), "garbage is not kept");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void interruptedAndResumedRunHashesEveryFileOnce(int threads) throws Exception {
    addScenes(12, 4, 700);
    long total = targets.values().stream().mapToLong(b -> b.length).sum();
    Path checkpointFile = root.resolve("cp/checkpoint.json");
    // Stop once a third of the bytes have been read.
    BooleanSupplier stop = () -> store.bytesRead.get() >= total / 3;

    BackfillSummary first =
        engine(config(threads).withCheckpointEvery(5, Duration.ofHours(1)), checkpointFile)
            .run(BackfillListener.none(), stop);
    long firstBytes = store.bytesRead.get();
    assertFalse(first.complete());
    assertTrue(firstBytes > 0 && firstBytes < total, firstBytes + " of " + total);
    Checkpoint saved = new FileCheckpointStore(checkpointFile).read().orElseThrow();
    assertFalse(saved.complete());
    assertNotNull(saved.position());

    store.bytesRead.set(0);
    BackfillSummary resumed =
        engine(config(threads).withCheckpointEvery(5, Duration.ofHours(1)), checkpointFile)
            .run(BackfillListener.none());
    long resumedBytes = store.bytesRead.get();

    assertTrue(resumed.complete());
    assertNotNull(resumed.resumedFrom());
    assertEquals(total, firstBytes + resumedBytes, "every byte hashed exactly once in total");
    for (String name : targets.keySet()) {
      assertEquals(1, store.opens.get(name).get(), "opened once: " + name);
    }
    // the resumed summary covers the whole job, exactly
    assertEquals(targets.size(), resumed.total().scanned());
    assertEquals(targets.size(), resumed.total().updated());
    assertEquals(0, resumed.total().alreadyCurrent());
    assertEquals(total, resumed.total().bytesHashed());
    assertEquals(resumedBytes, resumed.thisRunBytesHashed());
    assertEquals(
        targets.keySet().stream().filter(n -> n.endsWith("source_image.png")).count(),
        resumed.countsOf(ArtifactType.SOURCE_IMAGE).updated());
    // every folder without a manifest got exactly one
    assertEquals(2 * 13, resumed.manifestsCreated().size());
    assertEquals(
        new HashSet<>(resumed.manifestsCreated()).size(), resumed.manifestsCreated().size());
    assertTrue(new FileCheckpointStore(checkpointFile).read().orElseThrow().complete());
    for (Map.Entry<String, byte[]> t : targets.entrySet()) {
      assertEquals(
          Sha256.hex(t.getValue()), local.stat(t.getKey()).orElseThrow().metadata().get("sha256"));
    }
  }

  @Test
  void checkpointIsWrittenPeriodicallyAsAnObject() throws Exception {
    addScenes(3, 3, 100);
    RecordingCheckpointStore recording =
        new RecordingCheckpointStore(
            new ObjectCheckpointStore(store, Checkpoint.objectName(Shard.all())));
    List<Checkpoint> seen = recording.written;
    BackfillEngine engine =
        new BackfillEngine(
            store,
            alerts,
            new SimpleMeterRegistry(),
            Clock.fixed(NOW, ZoneOffset.UTC),
            RateLimiter.unlimited(),
            config(1).withCheckpointEvery(4, Duration.ofHours(1)),
            recording);

    engine.run(BackfillListener.none());

    int objectsInScope = targets.size();
    assertEquals(objectsInScope / 4 + 1, seen.size());
    for (int i = 0; i + 1 < seen.size(); i++) {
      assertFalse(seen.get(i).complete());
      assertTrue(seen.get(i).position().compareTo(seen.get(i + 1).position()) < 0);
    }
    assertTrue(seen.get(seen.size() - 1).complete());
    Checkpoint stored =
        Checkpoint.parse(local.readSmall("_scenegate/backfill/checkpoint-0-of-1.json", 0, 1 << 20))
            .orElseThrow();
    assertTrue(stored.complete());
    assertEquals(objectsInScope, stored.tally().total().updated());
  }

  @Test
  void shardsTogetherCoverEveryObjectExactlyOnce() throws Exception {
    addScenes(20, 2, 50);
    int count = 3;
    Set<String> covered = new HashSet<>();
    long scanned = 0;
    for (int index = 0; index < count; index++) {
      BackfillSummary summary =
          engine(config(2).withShard(Shard.of(index, count))).run(BackfillListener.none());
      scanned += summary.total().scanned();
      assertEquals(summary.total().scanned(), summary.total().updated());
    }
    for (String name : targets.keySet()) {
      ObjectInfo info = local.stat(name).orElseThrow();
      assertEquals(2, info.metageneration(), "metadata written exactly once: " + name);
      assertEquals(1, store.opens.get(name).get(), name);
      covered.add(name);
    }
    assertEquals(targets.size(), scanned);
    assertEquals(targets.keySet(), covered);
  }

  @Test
  void vanishedAndUnreadableObjectsAreSkippedAndListed() throws Exception {
    String gone = "scenes/kitchen_001/assets/obj_1/asset.glb";
    String broken = "scenes/lab_002/source_image.png";
    store.beforeOpen.put(gone, n -> Files.delete(root.resolve(n)));
    store.beforeOpen.put(
        broken,
        n -> {
          throw new java.nio.file.AccessDeniedException(n);
        });

    BackfillSummary summary = engine(config(1)).run(BackfillListener.none());

    assertEquals(5, summary.total().scanned());
    assertEquals(3, summary.total().updated());
    assertEquals(1, summary.total().skippedNoFile());
    assertEquals(1, summary.total().skippedUnreadable());
    assertEquals(2, summary.skipped().size());
    assertEquals(gone, summary.skipped().get(0).object());
    assertEquals(Skipped.NO_FILE, summary.skipped().get(0).reason());
    assertEquals(broken, summary.skipped().get(1).object());
    assertEquals(Skipped.UNREADABLE, summary.skipped().get(1).reason());
    assertTrue(summary.hasFindings());
    // the vanished file is simply not listed in the new manifest
    ChecksumManifest assets = readManifest("scenes/kitchen_001/assets/source_checksums.json");
    assertEquals(Set.of("obj_2/mesh.obj"), assets.byPath().keySet());
  }

  @Test
  void aLinkLeadingOutOfTheBucketIsNotFollowed(@TempDir Path outside) throws Exception {
    Path secret = outside.resolve("secret.bin");
    Files.write(secret, new byte[] {42});
    Path link = root.resolve("scenes/kitchen_001/assets/obj_3/linked.bin");
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, secret);

    BackfillSummary summary = engine(config(1)).run(BackfillListener.none());

    assertEquals(1, summary.total().skippedUnreadable());
    assertEquals("scenes/kitchen_001/assets/obj_3/linked.bin", summary.skipped().get(0).object());
    assertEquals(
        0, store.opens.getOrDefault(summary.skipped().get(0).object(), new AtomicLong()).get());
  }

  @Test
  void anUnreadableObjectBlocksItsFoldersNewManifest() throws Exception {
    String broken = "scenes/kitchen_001/assets/obj_2/mesh.obj";
    store.beforeOpen.put(
        broken,
        n -> {
          throw new IOException("disk error");
        });

    BackfillSummary summary = engine(config(1)).run(BackfillListener.none());

    assertFalse(Files.exists(root.resolve("scenes/kitchen_001/assets/source_checksums.json")));
    assertEquals(1, summary.manifestsNotCreated().size());
    assertEquals(
        "scenes/kitchen_001/assets/source_checksums.json",
        summary.manifestsNotCreated().get(0).object());
  }

  @Test
  void aConcurrentMetadataWriterIsRetriedWithoutRehashing() throws Exception {
    String name = "scenes/kitchen_001/assets/obj_2/mesh.obj";
    store.beforeUpdate.put(
        name,
        n -> {
          ObjectInfo info = local.stat(n).orElseThrow();
          local.updateMetadata(n, Map.of("owner", "someone-else"), info.metageneration());
        });

    BackfillSummary summary = engine(config(1)).run(BackfillListener.none());

    assertEquals(5, summary.total().updated());
    assertEquals(1, store.opens.get(name).get());
    Map<String, String> meta = local.stat(name).orElseThrow().metadata();
    assertEquals("someone-else", meta.get("owner"));
    assertEquals(Sha256.hex(targets.get(name)), meta.get("sha256"));
  }

  @Test
  void anObjectReplacedWhileBeingHashedIsHashedAgainAtItsNewGeneration() throws Exception {
    String name = "scenes/kitchen_001/assets/obj_2/mesh.obj";
    byte[] newer = bytes(6000, 55);
    store.beforeUpdate.put(
        name,
        n -> local.write(n, newer, null, Map.of(), dev.scenegate.storage.Precondition.none()));

    BackfillSummary summary = engine(config(1)).run(BackfillListener.none());

    ObjectInfo info = local.stat(name).orElseThrow();
    assertEquals(Sha256.hex(newer), info.metadata().get("sha256"));
    assertEquals(Long.toString(info.generation()), info.metadata().get("sha256-generation"));
    assertEquals(2, store.opens.get(name).get());
    assertEquals(0, summary.total().driftEvents());
  }

  @Test
  void dryRunReadsAndWritesNothing() throws Exception {
    long total = targets.values().stream().mapToLong(b -> b.length).sum();
    long files = Files.walk(root).count();

    BackfillSummary summary = engine(config(2).withDryRun(true)).run(BackfillListener.none());

    assertTrue(summary.dryRun());
    assertEquals(0, store.bytesRead.get());
    assertEquals(0, store.writes.get());
    assertEquals(files, Files.walk(root).count());
    assertEquals(5, summary.total().wouldUpdate());
    assertEquals(0, summary.total().updated());
    assertEquals(total, summary.total().bytesToHash());
    assertEquals(2, summary.manifestsCreated().size());
    assertTrue(alerts.confirmed().isEmpty());
  }

  @Test
  void typesFilterLimitsTheScope() throws Exception {
    BackfillSummary summary =
        engine(config(1).withTypes(EnumSet.of(ArtifactType.SOURCE_IMAGE)))
            .run(BackfillListener.none());

    assertEquals(2, summary.total().scanned());
    assertEquals(0, summary.countsOf(ArtifactType.ASSET).scanned());
    assertEquals(List.of("scenes/kitchen_001/source_checksums.json"), summary.manifestsCreated());
    assertTrue(
        local.stat("scenes/kitchen_001/assets/obj_1/asset.glb").orElseThrow().metadata().isEmpty());
  }

  @Test
  void aFailedAlertLeavesTheDriftToBeFoundAgain() throws Exception {
    String name = "scenes/kitchen_001/source_image.png";
    ObjectInfo info = local.stat(name).orElseThrow();
    local.updateMetadata(name, Map.of("sha256", "00".repeat(32)), info.metageneration());
    alerts.failing(true);

    BackfillSummary summary = engine(config(1)).run(BackfillListener.none());

    assertEquals(1, summary.total().skippedAlertFailed());
    assertEquals("00".repeat(32), local.stat(name).orElseThrow().metadata().get("sha256"));
    alerts.failing(false);
    BackfillSummary again = engine(config(1)).run(BackfillListener.none());
    assertEquals(1, again.total().driftEvents());
    assertEquals(1, alerts.confirmed().size());
  }

  @Test
  void anInvalidExistingManifestIsNotedAndLeftAlone() throws Exception {
    Path manifestFile = root.resolve("scenes/lab_002/assets/source_checksums.json");
    Files.writeString(manifestFile, "{ not json");

    BackfillSummary summary = engine(config(1)).run(BackfillListener.none());

    assertEquals("{ not json", Files.readString(manifestFile));
    assertEquals(1, summary.manifestsInvalid().size());
    assertEquals(0, summary.total().driftEvents());
    assertEquals(5, summary.total().updated());
  }

  @Test
  void summaryJsonNamesEveryCount() throws Exception {
    BackfillSummary summary = engine(config(1)).run(BackfillListener.none());
    JsonNode json = EventJson.MAPPER.readTree(summary.toJson().toString());
    assertEquals(5, json.path("scanned").asInt());
    assertEquals(5, json.path("updated").asInt());
    assertEquals(0, json.path("already_current").asInt());
    assertEquals(0, json.path("drift_events").asInt());
    assertEquals(0, json.path("skipped_no_file").asInt());
    assertEquals(0, json.path("skipped_unreadable").asInt());
    assertEquals(2, json.path("manifests_created").asInt());
    assertEquals(3, json.path("by_type").path("asset").path("updated").asInt());
    assertEquals(2, json.path("by_type").path("source_image").path("scanned").asInt());
    assertTrue(json.path("skipped").isArray());
    assertTrue(json.path("complete").asBoolean());
  }

  @Test
  void whatAVerificationHashedIsRecordedWithoutARead() throws Exception {
    DigestLedger ledger = DigestLedger.local(local);
    String asset = "scenes/kitchen_001/assets/obj_1/asset.glb";
    ObjectInfo info = local.stat(asset).orElseThrow();
    String verified = Sha256.hex(targets.get(asset));
    ledger.record(List.of(DigestRecord.of(info, verified, DigestRecord.BY_VERIFY, NOW)));

    BackfillSummary summary = engine(config(2), ledger).run(BackfillListener.none());

    assertEquals(null, store.opens.get(asset), "the ledger's digest stands in for a read");
    assertEquals(verified, local.stat(asset).orElseThrow().metadata().get("sha256"));
    assertEquals(5, summary.total().updated());
    assertEquals(3000, summary.thisRunBytesReused());
    long total = targets.values().stream().mapToLong(b -> b.length).sum();
    assertEquals(total - 3000, store.bytesRead.get());
  }

  @Test
  void whatTheBackfillHashesGoesIntoTheLedgerForVerifications() throws Exception {
    DigestLedger ledger = DigestLedger.local(local);
    engine(config(2), ledger).run(BackfillListener.none());

    for (Map.Entry<String, byte[]> t : targets.entrySet()) {
      String folder = t.getKey().substring(0, t.getKey().lastIndexOf('/') + 1);
      DigestRecord record =
          ledger
              .read(folder)
              .reusable(local.stat(t.getKey()).orElseThrow())
              .orElseThrow(() -> new AssertionError("no reusable record for " + t.getKey()));
      assertEquals(Sha256.hex(t.getValue()), record.sha256());
      assertEquals(DigestRecord.BY_BACKFILL, record.by());
    }
  }

  @Test
  void aLedgerRecordForAnOlderGenerationIsNotTrusted() throws Exception {
    DigestLedger ledger = DigestLedger.local(local);
    String asset = "scenes/kitchen_001/assets/obj_1/asset.glb";
    ObjectInfo info = local.stat(asset).orElseThrow();
    ledger.record(
        List.of(
            new DigestRecord(
                asset, info.generation() - 1, "0".repeat(64), info.size(), null, NOW, "verify")));

    engine(config(2), ledger).run(BackfillListener.none());

    assertEquals(1, store.opens.get(asset).get());
    assertEquals(
        Sha256.hex(targets.get(asset)), local.stat(asset).orElseThrow().metadata().get("sha256"));
  }

  // ---- fixture ----

  private BackfillConfig config(int threads) {
    return BackfillConfig.of(threads);
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

  private BackfillEngine engine(BackfillConfig config, DigestLedger ledger) {
    return new BackfillEngine(
        store,
        alerts,
        new SimpleMeterRegistry(),
        Clock.fixed(NOW, ZoneOffset.UTC),
        RateLimiter.unlimited(),
        config,
        new ObjectCheckpointStore(store, Checkpoint.objectName(config.shard())),
        ledger);
  }

  private BackfillEngine engine(BackfillConfig config, Path checkpointFile) {
    return new BackfillEngine(
        store,
        alerts,
        new SimpleMeterRegistry(),
        Clock.fixed(NOW, ZoneOffset.UTC),
        RateLimiter.unlimited(),
        config,
        new FileCheckpointStore(checkpointFile));
  }

  private void addScenes(int scenes, int assetsPerScene, int size) throws IOException {
    for (int s = 0; s < scenes; s++) {
      for (int a = 0; a < assetsPerScene; a++) {
        target(
            String.format("scenes/scene_%03d/assets/part_%d/file_%d.bin", s, a % 2, a),
            size + a,
            1000 + s * 10 + a);
      }
      target(String.format("scenes/scene_%03d/source_image.png", s), size, 5000 + s);
    }
  }

  private void target(String name, int size, int seed) throws IOException {
    byte[] data = bytes(size, seed);
    file(name, data);
    targets.put(name, data);
  }

  private void file(String name, byte[] data) throws IOException {
    Path file = root.resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, data);
  }

  private void manifest(String folder, Map<String, byte[]> files) throws IOException {
    List<ManifestEntry> entries = new ArrayList<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      entries.add(ManifestEntry.of(f.getKey(), Sha256.hex(f.getValue()), f.getValue().length));
    }
    file(
        folder + ChecksumManifest.FILE_NAME,
        ManifestCodec.write(ChecksumManifest.of("2025-01-01T00:00:00Z", "/mnt/x", entries)));
  }

  private ChecksumManifest readManifest(String name) throws Exception {
    return ManifestCodec.parse(Files.readAllBytes(root.resolve(name)), name);
  }

  private Map<String, Long> metagenerations() throws IOException {
    Map<String, Long> result = new HashMap<>();
    for (String name : targets.keySet()) {
      result.put(name, local.stat(name).orElseThrow().metageneration());
    }
    return result;
  }

  private JsonNode logLine(String messagePrefix) throws IOException {
    for (String line : logs.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = EventJson.MAPPER.readTree(line);
      if (node.path("message").asText().startsWith(messagePrefix)) {
        return node;
      }
    }
    throw new AssertionError("no log line '" + messagePrefix + "' in:\n" + logs);
  }

  static byte[] bytes(int size, int seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }
}
