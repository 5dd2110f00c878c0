package dev.scenegate.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.scenegate.backfill.RateLimiter;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.fleet.FleetReader;
import dev.scenegate.fleet.FleetView;
import dev.scenegate.fleet.SceneSummary;
import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.ledger.DigestRecord;
import dev.scenegate.ledger.LedgerView;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.verify.Sha256;
import dev.scenegate.verify.StrictScope;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The fixity audit (DESIGN: Sweeps, freshness, audit): for every passed checksum stage, each file
 * its manifest lists is still at the generation that was verified. Metadata only by default: per
 * manifest one read of the manifest, one listing of its folder and the digest ledger's view of it
 * (a few small documents); no byte of a listed file is read. A file is
 *
 * <ul>
 *   <li>{@code CHANGED} when the ledger has a record of it at another generation than the one there
 *       now, when the record that vouches for the current generation disagrees with the manifest's
 *       digest, or, for a file the ledger knows nothing of, when its current generation was written
 *       after the stage last passed;
 *   <li>{@code MISSING} when the listing does not have it;
 *   <li>{@code UNTRACKED} when it is in the manifest's strict scope ({@link StrictScope}) and the
 *       manifest does not list it.
 * </ul>
 *
 * {@code deep} re-reads and re-hashes every listed file within the rate limit, records what it
 * found in the ledger ({@code by="audit"}), and compares with the manifest. One {@code fixity}
 * alert per scene with findings ({@link FixityAlert}).
 */
public final class Audit {
  private static final JsonLog LOG = JsonLog.get(Audit.class);
  private final ObjectStore data;
  private final FleetReader states;
  private final DigestLedger ledger;
  private final EventPublisher alerts;
  private final Clock clock;
  private final AuditMeters meters;

  /**
   * @param data the bucket (or folder) holding the scenes
   * @param states the scenes' state documents
   * @param ledger the digest ledger of {@code data}
   * @param alerts where {@code fixity} alerts go; null publishes nothing (a dry look)
   */
  public Audit(
      ObjectStore data,
      FleetReader states,
      DigestLedger ledger,
      EventPublisher alerts,
      Clock clock,
      MeterRegistry registry) {
    this.data = data;
    this.states = states;
    this.ledger = ledger;
    this.alerts = alerts;
    this.clock = clock;
    this.meters = AuditMeters.boundTo(registry);
  }

  /** {@code sceneId}: only that scene (null: all); {@code deep}: re-read at {@code rate}. */
  public record Options(String sceneId, boolean deep, RateLimiter rate) {
    public static Options metadata() {
      return new Options(null, false, RateLimiter.unlimited());
    }
  }

  /** A scene or manifest that could not be audited, and why (one line). */
  public record Problem(String sceneId, String message) {}

  /** DESIGN's {@code audit --json}; {@code alertsRaised} is for the sweep and the logs. */
  public record Report(
      int scenesAudited,
      long filesChecked,
      long bytesHashed,
      List<AuditFinding> findings,
      List<Problem> errors,
      @JsonIgnore int alertsRaised,
      @JsonIgnore boolean complete) {
    public Report {
      findings = List.copyOf(findings);
      errors = List.copyOf(errors);
    }

    /** Findings per kind, every kind present. */
    public Map<AuditFinding.Kind, Integer> byKind() {
      Map<AuditFinding.Kind, Integer> counts = new LinkedHashMap<>();
      for (AuditFinding.Kind kind : AuditFinding.Kind.values()) {
        counts.put(kind, 0);
      }
      findings.forEach(f -> counts.merge(f.kind(), 1, Integer::sum));
      return counts;
    }
  }

  /** Audits the scenes; throws only when the state documents cannot be listed. */
  public Report run(Options options) throws IOException {
    return run(options, () -> false);
  }

  /**
   * As {@link #run(Options)}, asking {@code stop} between scenes (the sweep's SIGTERM): a stopped
   * run returns what it audited, {@link Report#complete()} false.
   */
  public Report run(Options options, BooleanSupplier stop) throws IOException {
    FleetView view = states.read();
    boolean complete = true;
    List<AuditFinding> findings = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    int scenes = 0;
    long[] files = {0};
    long[] bytes = {0};
    int raised = 0;
    for (SceneSummary scene : view.scenes()) {
      if (options.sceneId() != null && !options.sceneId().equals(scene.sceneId())) {
        continue;
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("audit interrupted");
      }
      if (stop.getAsBoolean()) {
        complete = false;
        break;
      }
      if (scene.isUnreadable()) {
        problems.add(new Problem(scene.sceneId(), "state document unreadable: " + scene.error()));
        continue;
      }
      Map<String, Instant> manifests = verifiedManifests(scene);
      if (manifests.isEmpty()) {
        continue;
      }
      scenes++;
      List<AuditFinding> found = new ArrayList<>();
      for (Map.Entry<String, Instant> manifest : manifests.entrySet()) {
        try {
          found.addAll(
              manifest(
                  scene.sceneId(), manifest.getKey(), manifest.getValue(), options, files, bytes));
        } catch (InterruptedIOException e) {
          throw e;
        } catch (IOException | RuntimeException e) {
          problems.add(
              new Problem(scene.sceneId(), data.describe(manifest.getKey()) + ": " + message(e)));
        }
      }
      found.forEach(f -> meters.finding(f.kind()));
      findings.addAll(found);
      if (!found.isEmpty() && alerts != null) {
        ChecksumAlert alert =
            FixityAlert.of(scene.sceneId(), data.bucket(), found, clock.instant());
        try {
          publish(alert);
          raised++;
          // NOTICE: the alert is the loud signal; the CLI keeps stderr to its one-line reason.
          LOG.notice(
              "fixity audit: verified files changed; fixity alert raised",
              "scene_id",
              scene.sceneId(),
              "findings",
              found.size(),
              "alert_id",
              alert.alertId());
        } catch (InterruptedIOException e) {
          throw e;
        } catch (IOException | RuntimeException e) {
          problems.add(new Problem(scene.sceneId(), "fixity alert not published: " + message(e)));
        }
      }
    }
    Report report = new Report(scenes, files[0], bytes[0], findings, problems, raised, complete);
    LOG.info(
        "audit done",
        "scenes_audited",
        report.scenesAudited(),
        "files_checked",
        report.filesChecked(),
        "bytes_hashed",
        report.bytesHashed(),
        "findings",
        findings.size(),
        "errors",
        problems.size());
    return report;
  }

  /**
   * The manifests the scene's passed checksum stages verified, each with when it last passed (the
   * latest of the stages sharing it: the most recent verification vouches for the files).
   */
  private static Map<String, Instant> verifiedManifests(SceneSummary scene) {
    Map<String, Instant> manifests = new LinkedHashMap<>();
    for (SceneSummary.Cell cell : scene.cells()) {
      Stage.Check check = cell.stage().check();
      if (check.kind() != Stage.Check.Kind.CHECKSUMS || cell.status() != StageStatus.PASSED) {
        continue;
      }
      String manifest = Stage.scenePrefix(scene.sceneId()) + check.manifest();
      Instant passed = instant(cell.since());
      manifests.merge(
          manifest, passed == null ? Instant.EPOCH : passed, (a, b) -> a.isAfter(b) ? a : b);
    }
    return manifests;
  }

  private List<AuditFinding> manifest(
      String sceneId,
      String manifestName,
      Instant passedAt,
      Options options,
      long[] files,
      long[] bytes)
      throws IOException {
    String folder = manifestName.substring(0, manifestName.lastIndexOf('/') + 1);
    List<AuditFinding> found = new ArrayList<>();
    ChecksumManifest manifest;
    try {
      ObjectInfo info =
          data.stat(manifestName).orElseThrow(() -> new NoSuchFileException(manifestName));
      manifest =
          ManifestCodec.parse(
              data.readSmall(manifestName, info.generation(), ManifestCodec.MAX_MANIFEST_BYTES),
              data.describe(manifestName));
      if (writtenAfter(info, passedAt)) {
        found.add(
            new AuditFinding(
                sceneId,
                manifestName,
                ChecksumManifest.FILE_NAME,
                AuditFinding.Kind.CHANGED,
                null,
                info.generation(),
                null,
                null));
      }
    } catch (NoSuchFileException e) {
      found.add(
          new AuditFinding(
              sceneId,
              manifestName,
              ChecksumManifest.FILE_NAME,
              AuditFinding.Kind.MISSING,
              null,
              null,
              null,
              null));
      return found;
    } catch (ManifestInvalidException e) {
      throw new IOException("manifest no longer valid: " + e.getMessage(), e);
    }
    Map<String, ObjectInfo> listed = new LinkedHashMap<>();
    for (ObjectInfo info : data.list(folder)) {
      listed.put(info.name(), info);
    }
    LedgerView view = ledger.read(folder);
    List<DigestRecord> hashed = new ArrayList<>();
    Map<String, ManifestEntry> byPath = manifest.byPath();
    for (ManifestEntry entry : manifest.files()) {
      String object = folder + entry.path();
      ObjectInfo current = listed.get(object);
      files[0]++;
      Long recordedGeneration = view.recorded(object).map(DigestRecord::generation).orElse(null);
      if (current == null) {
        found.add(
            new AuditFinding(
                sceneId,
                manifestName,
                entry.path(),
                AuditFinding.Kind.MISSING,
                recordedGeneration,
                null,
                entry.sha256(),
                null));
        continue;
      }
      if (options.deep()) {
        String sha = hash(current, options.rate(), bytes);
        if (sha == null) {
          continue; // replaced while being read: the next audit looks at the new generation
        }
        hashed.add(DigestRecord.of(current, sha, DigestRecord.BY_AUDIT, clock.instant()));
        if (!sha.equals(entry.sha256())) {
          found.add(changed(sceneId, manifestName, entry, recordedGeneration, current, sha));
        }
        continue;
      }
      var vouching = view.reusable(current);
      if (vouching.isPresent()) {
        if (!vouching.get().sha256().equals(entry.sha256())) {
          found.add(changed(sceneId, manifestName, entry, null, current, vouching.get().sha256()));
        }
      } else if (recordedGeneration != null) {
        found.add(changed(sceneId, manifestName, entry, recordedGeneration, current, null));
      } else if (writtenAfter(current, passedAt)) {
        // Nothing recorded: written after the stage last passed, so not what was verified.
        found.add(changed(sceneId, manifestName, entry, null, current, null));
      }
    }
    List<String> relative = new ArrayList<>();
    for (String name : listed.keySet()) {
      relative.add(name.substring(folder.length()));
    }
    StrictScope scope = StrictScope.of(data.describe(manifestName), relative);
    for (String path : relative) {
      if (!byPath.containsKey(path) && scope.covers(path)) {
        found.add(
            new AuditFinding(
                sceneId,
                manifestName,
                path,
                AuditFinding.Kind.UNTRACKED,
                null,
                listed.get(folder + path).generation(),
                null,
                null));
      }
    }
    if (!hashed.isEmpty()) {
      ledger.record(hashed);
    }
    return found;
  }

  /**
   * Whether this generation was written after {@code at}. {@code updated} is the generation's
   * creation time only while its metadata was never changed (metageneration 1): a later metadata
   * update (the backfill's sha256) moves it, which must not read as a replacement. Unknown: no.
   */
  private static boolean writtenAfter(ObjectInfo info, Instant at) {
    return info.metageneration() <= 1 && info.updated() != null && info.updated().isAfter(at);
  }

  private static AuditFinding changed(
      String sceneId,
      String manifest,
      ManifestEntry entry,
      Long expectedGeneration,
      ObjectInfo current,
      String actualSha) {
    return new AuditFinding(
        sceneId,
        manifest,
        entry.path(),
        AuditFinding.Kind.CHANGED,
        expectedGeneration,
        current.generation(),
        entry.sha256(),
        actualSha);
  }

  /** Streams one generation through SHA-256 at the rate allowed; null when it was replaced. */
  private String hash(ObjectInfo info, RateLimiter rate, long[] bytes) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    byte[] buffer = new byte[Math.max(1, rate.chunkBytes(Sha256.BUFFER_BYTES))];
    try (InputStream in = data.open(info.name(), info.generation())) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        rate.acquire(n);
        digest.update(buffer, 0, n);
        bytes[0] += n;
      }
    } catch (NoSuchFileException e) {
      return null;
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private void publish(ChecksumAlert alert) throws IOException {
    alerts.publish(alert.toMessage(), EventPublisher.BATCH_RETRIES);
  }

  private static Instant instant(String at) {
    if (at == null) {
      return null;
    }
    try {
      return Instant.parse(at);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return (m == null || m.isBlank() ? e.getClass().getSimpleName() : m)
        .replaceAll("[\\r\\n\\t]+", " ");
  }
}
