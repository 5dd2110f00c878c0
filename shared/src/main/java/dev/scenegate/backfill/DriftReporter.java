package dev.scenegate.backfill;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.manifest.RelativePaths;
import dev.scenegate.retry.Backoff;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.verify.Sha256;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Drift: a recorded hash (the object's metadata or an existing manifest) that disagrees with the
 * content. Never suppressed: logged at CRITICAL with everything a reviewer needs (seed 001: old and
 * new hash, mtime) and published as a {@code drift} alert before the new hash is recorded.
 */
final class DriftReporter {
  private static final JsonLog LOG = JsonLog.get(BackfillEngine.class);

  /** Drift alerts: three attempts, about 100 ms then 200 ms apart. */
  static final Backoff PUBLISH_BACKOFF =
      Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(2))
          .withJitter(0.5)
          .withMaxAttempts(3);

  /** Set by {@code gcloud storage cp/rsync} when preserving POSIX attributes: epoch seconds. */
  private static final String GCS_FILE_MTIME = "goog-reserved-file-mtime";

  private final ObjectStore store;
  private final EventPublisher alerts;
  private final Clock clock;

  DriftReporter(ObjectStore store, EventPublisher alerts, Clock clock) {
    this.store = store;
    this.alerts = alerts;
    this.clock = clock;
  }

  /**
   * The drift of {@code info} hashing to {@code actual}; its alert id is the same for the same
   * finding, so a retried run publishes a duplicate the receivers drop.
   */
  DriftEvent drift(
      Artifact artifact,
      ObjectInfo info,
      String actual,
      String metadataOld,
      String manifest,
      String manifestOld) {
    String alertId =
        Sha256.hex(
                String.join(
                        "\n",
                        "drift",
                        store.bucket() + "/" + info.name() + "#" + info.generation(),
                        actual,
                        String.valueOf(metadataOld),
                        String.valueOf(manifestOld))
                    .getBytes(StandardCharsets.UTF_8))
            .substring(0, 32);
    return new DriftEvent(
        info.name(),
        artifact.type(),
        info.generation(),
        info.updated() == null ? null : info.updated().toString(),
        mtime(info),
        actual,
        info.size(),
        metadataOld,
        manifestOld == null ? null : manifest,
        manifestOld,
        alertId);
  }

  /** Logs the drift loudly and publishes the alert; returns why publishing failed, if it did. */
  Optional<String> report(DriftEvent drift) throws InterruptedIOException {
    String old = drift.metadataSha256() != null ? drift.metadataSha256() : drift.manifestSha256();
    LOG.critical(
        "sha256 drift: a recorded hash disagrees with the object's content; recording the new"
            + " hash",
        "object",
        store.describe(drift.object()),
        "scene_id",
        sceneOf(drift.object()),
        "artifact_type",
        drift.type().wireName(),
        "old_sha256",
        old,
        "new_sha256",
        drift.actualSha256(),
        "metadata_sha256",
        drift.metadataSha256(),
        "manifest",
        drift.manifest(),
        "manifest_sha256",
        drift.manifestSha256(),
        "generation",
        Long.toString(drift.generation()),
        "updated",
        drift.updated(),
        "mtime",
        drift.mtime(),
        "size_bytes",
        drift.sizeBytes(),
        "alert_id",
        drift.alertId());
    ChecksumAlert alert = alertOf(drift);
    IOException last = null;
    for (int attempt = 1; PUBLISH_BACKOFF.allows(attempt); attempt++) {
      try {
        alerts.publish(alert.toMessage());
        return Optional.empty();
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        last = e;
        LOG.warn(
            "drift alert not published; retrying",
            "object",
            drift.object(),
            "alert_id",
            drift.alertId(),
            "attempt",
            attempt,
            "error",
            BackfillEngine.describe(e));
        if (PUBLISH_BACKOFF.allows(attempt + 1)) {
          PUBLISH_BACKOFF.pauseAfter(attempt);
        }
      }
    }
    LOG.error(
        "drift alert could not be published; the hash is not recorded so the next run reports"
            + " it again",
        last,
        "object",
        drift.object(),
        "alert_id",
        drift.alertId());
    return Optional.of(BackfillEngine.describe(last));
  }

  private ChecksumAlert alertOf(DriftEvent drift) {
    String folder =
        drift.type() == ArtifactType.SOURCE_IMAGE
            ? RelativePaths.parentPrefix(drift.object())
            : assetsFolderOf(drift.object());
    String path = drift.object().substring(folder.length());
    List<ChecksumAlert.Failure> failures = new ArrayList<>();
    for (String recorded : new String[] {drift.metadataSha256(), drift.manifestSha256()}) {
      if (recorded != null) {
        failures.add(
            new ChecksumAlert.Failure(
                path, "SHA256_MISMATCH", recorded, drift.actualSha256(), null, drift.sizeBytes()));
      }
    }
    List<String> remediation = new ArrayList<>();
    remediation.add(
        "Review the drift: "
            + drift.object()
            + " no longer matches its recorded SHA-256. The new hash is now recorded in its"
            + " metadata (the old one in sha256-drifted-from). If the change was not intended,"
            + " restore the object from the upstream job.");
    remediation.addAll(ChecksumAlert.REMEDIATION);
    ObjectNode extra = EventJson.MAPPER.createObjectNode();
    extra.put("source", "backfill");
    extra.put("object", drift.object());
    extra.put("artifact_type", drift.type().wireName());
    drift.writeFindingTo(extra);
    return new ChecksumAlert(
        drift.alertId(),
        "drift",
        "critical",
        sceneOf(drift.object()),
        store.bucket(),
        drift.manifest(),
        failures,
        remediation,
        BackfillEngine.now(clock).toString(),
        extra);
  }

  private static String mtime(ObjectInfo info) {
    String posix = info.metadata().get(GCS_FILE_MTIME);
    if (posix != null) {
      try {
        return Instant.ofEpochSecond(Long.parseLong(posix.trim())).toString();
      } catch (NumberFormatException e) {
        // fall through to the update time
      }
    }
    return info.updated() == null ? null : info.updated().toString();
  }

  private static String sceneOf(String object) {
    String rest = object.substring(BackfillScope.SCENES_PREFIX.length());
    return rest.substring(0, rest.indexOf('/'));
  }

  private static String assetsFolderOf(String object) {
    return BackfillScope.SCENES_PREFIX + sceneOf(object) + "/" + BackfillScope.ASSETS_FOLDER;
  }
}
