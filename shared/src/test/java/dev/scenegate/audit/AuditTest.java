package dev.scenegate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.alerts.AlertCodec;
import dev.scenegate.alerts.ReceivedAlert;
import dev.scenegate.backfill.RateLimiter;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.fleet.Deadlines;
import dev.scenegate.fleet.FleetReader;
import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.ledger.DigestRecord;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.SceneFixture;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.testing.RecordingPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit against a local folder bucket; the scene passed through the real marker handler. */
class AuditTest {
  static final String SCENE = "k1";
  static final String ASSET = "scenes/k1/assets/obj_1/asset.glb";
  static final String ASSETS_MANIFEST = "scenes/k1/assets/source_checksums.json";

  @TempDir Path root;
  private ObjectStore store;
  private SceneFixture scene;
  private Instant passedAt;
  private final RecordingPublisher publisher = new RecordingPublisher();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void passRegen3d() throws Exception {
    store = new LocalObjectStore(root);
    scene = new SceneFixture(store, SCENE).writeAllPassing();
    scene.put("assets/.regen3d_complete", new byte[0]);
    Instant written = Instant.EPOCH;
    for (ObjectInfo info : store.list("scenes/" + SCENE + "/")) {
      written = info.updated().isAfter(written) ? info.updated() : written;
    }
    // The stage passes a minute after its files were written (its clock, not the wall's).
    passedAt = written.plusSeconds(60);
    MarkerHandler handler =
        new MarkerHandler(
            store,
            new RecordingPublisher(),
            new SimpleMeterRegistry(),
            MarkerConfig.fromEnv(Map.of("VERIFY_THREADS", "1")),
            Clock.fixed(passedAt, ZoneOffset.UTC));
    handler.handle(scene.existing("source_checksums.json"));
    handler.handle(scene.existing("assets/.regen3d_complete"));
  }

  private Audit.Report audit(Audit.Options options) throws Exception {
    Clock clock = Clock.fixed(passedAt.plusSeconds(3600), ZoneOffset.UTC);
    try (FleetReader states =
        new FleetReader(store, SceneStateStore.DEFAULT_PREFIX, Deadlines.defaults(), clock, 2)) {
      return new Audit(store, states, DigestLedger.local(store), publisher, clock, meters)
          .run(options);
    }
  }

  private Audit.Report metadata() throws Exception {
    return audit(Audit.Options.metadata());
  }

  private Audit.Report deep() throws Exception {
    return audit(new Audit.Options(null, true, RateLimiter.unlimited()));
  }

  private String manifestSha(String path) throws Exception {
    byte[] bytes =
        store.readSmall(ASSETS_MANIFEST, store.stat(ASSETS_MANIFEST).get().generation(), 1 << 20);
    return ManifestCodec.parse(bytes, ASSETS_MANIFEST).byPath().get(path).sha256();
  }

  private List<ReceivedAlert> alerts() throws Exception {
    List<ReceivedAlert> alerts = new java.util.ArrayList<>();
    for (var m : publisher.confirmed()) {
      alerts.add(AlertCodec.decode(m.data()));
    }
    return alerts;
  }

  /** Writes new bytes at {@code object}, its time {@code at} (a later upload). */
  private void replace(String object, Instant at) throws Exception {
    scene.corruptAsset();
    Files.setLastModifiedTime(root.resolve(object), FileTime.from(at));
  }

  @Test
  void anUntouchedSceneHasNoFindingsAndReadsNoByte() throws Exception {
    Audit.Report report = metadata();
    assertEquals(1, report.scenesAudited());
    assertTrue(report.filesChecked() >= 3, "the root manifest's files and the assets");
    assertEquals(0, report.bytesHashed());
    assertEquals(List.of(), report.findings());
    assertEquals(List.of(), report.errors());
    assertTrue(publisher.confirmed().isEmpty());
  }

  @Test
  void anAssetReplacedAfterRegen3dPassedGivesOneFixityAlertNamingIt() throws Exception {
    Audit.Report recorded = deep(); // records the verified content in the ledger
    assertEquals(List.of(), recorded.findings());
    assertTrue(recorded.bytesHashed() > 0);
    long verified = store.stat(ASSET).orElseThrow().generation();

    scene.corruptAsset();
    Audit.Report report = metadata();

    long now = store.stat(ASSET).orElseThrow().generation();
    assertEquals(
        List.of(
            new AuditFinding(
                SCENE,
                ASSETS_MANIFEST,
                "obj_1/asset.glb",
                AuditFinding.Kind.CHANGED,
                verified,
                now,
                manifestSha("obj_1/asset.glb"),
                null)),
        report.findings());
    assertEquals(0, report.bytesHashed(), "metadata only");
    List<ReceivedAlert> alerts = alerts();
    assertEquals(1, alerts.size());
    ChecksumAlert alert = alerts.get(0).alert();
    assertEquals("fixity", alert.kind());
    assertEquals("critical", alert.severity());
    assertEquals(SCENE, alert.sceneId());
    assertEquals(ASSETS_MANIFEST, alert.manifest());
    assertEquals(1, alert.failures().size());
    assertEquals("obj_1/asset.glb", alert.failures().get(0).path());
    assertEquals(verified, alert.failures().get(0).expectedGeneration());
    assertEquals(now, alert.failures().get(0).actualGeneration());
    assertEquals(1.0, meters.get(AuditMeters.FINDINGS).tag("kind", "changed").counter().count());
  }

  @Test
  void withoutALedgerRecordAFileWrittenAfterTheStagePassedIsChanged() throws Exception {
    forgetLedger();
    replace(ASSET, passedAt.plusSeconds(60));
    Audit.Report report = metadata();
    assertEquals(1, report.findings().size(), report.findings().toString());
    AuditFinding f = report.findings().get(0);
    assertEquals(AuditFinding.Kind.CHANGED, f.kind());
    assertNull(f.expectedGeneration(), "nothing recorded: the verified generation is unknown");
    assertEquals(store.stat(ASSET).orElseThrow().generation(), f.actualGeneration());
  }

  @Test
  void missingAndUntrackedFilesAreOneAlertListingBoth() throws Exception {
    Files.delete(root.resolve("scenes/k1/assets/obj_2/texture.png"));
    scene.put("assets/stray.bin", new byte[] {1, 2, 3});
    scene.put("assets/.tmp-marker", new byte[] {1}); // dot-named: out of scope

    Audit.Report report = metadata();

    assertEquals(
        List.of(AuditFinding.Kind.MISSING, AuditFinding.Kind.UNTRACKED),
        report.findings().stream().map(AuditFinding::kind).toList(),
        report.findings().toString());
    assertEquals("obj_2/texture.png", report.findings().get(0).path());
    assertEquals("stray.bin", report.findings().get(1).path());
    assertEquals(1, alerts().size());
    assertEquals(2, alerts().get(0).alert().failures().size());
  }

  @Test
  void deepFindsWhatMetadataCannotAndRecordsIt() throws Exception {
    ObjectInfo before = store.stat(ASSET).orElseThrow();
    scene.corruptAsset(); // same size; put back the old time: same generation, new bytes
    Files.setLastModifiedTime(root.resolve(ASSET), FileTime.from(before.updated()));
    assertEquals(before.generation(), store.stat(ASSET).orElseThrow().generation());
    assertEquals(List.of(), metadata().findings(), "metadata cannot see a change in place");

    AtomicLong paced = new AtomicLong();
    Audit.Report report = audit(new Audit.Options(SCENE, true, paced::addAndGet));

    assertEquals(1, report.findings().size());
    AuditFinding f = report.findings().get(0);
    assertEquals(AuditFinding.Kind.CHANGED, f.kind());
    assertEquals(manifestSha("obj_1/asset.glb"), f.expectedSha256());
    assertTrue(f.actualSha256() != null && !f.actualSha256().equals(f.expectedSha256()));
    assertEquals(report.bytesHashed(), paced.get(), "every byte read went through the limiter");
    DigestRecord record =
        DigestLedger.local(store).read("scenes/k1/assets/").recorded(ASSET).orElseThrow();
    assertEquals(DigestRecord.BY_AUDIT, record.by());
    assertEquals(f.actualSha256(), record.sha256());
  }

  @Test
  void onlyTheSceneAskedForIsAudited() throws Exception {
    Audit.Report report = audit(new Audit.Options("other_scene", false, RateLimiter.unlimited()));
    assertEquals(0, report.scenesAudited());
    assertEquals(0, report.filesChecked());
  }

  @Test
  void aMetadataUpdateAfterTheStagePassedIsNotAReplacement() throws Exception {
    forgetLedger();
    replace(ASSET, passedAt.plusSeconds(60));
    ObjectInfo info = store.stat(ASSET).orElseThrow();
    // The backfill records its sha256 in the object's metadata: a new metageneration.
    store.updateMetadata(ASSET, Map.of("sha256", "0".repeat(64)), info.metageneration());
    assertEquals(2, store.stat(ASSET).orElseThrow().metageneration());
    assertEquals(
        List.of(),
        metadata().findings(),
        "without a ledger record or a creation time, metadata alone cannot tell; --deep can");
    assertEquals(1, deep().findings().size());
  }

  /** A scene verified before the digest ledger existed: the stage passed, nothing recorded. */
  private void forgetLedger() throws IOException {
    Path ledger = root.resolve(DigestLedger.PREFIX);
    if (Files.exists(ledger)) {
      try (var paths = Files.walk(ledger)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    assertEquals(0, DigestLedger.local(store).read("").size());
  }
}
