package dev.scenegate.alerts;

import dev.scenegate.audit.AuditFinding;
import dev.scenegate.audit.FixityAlert;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.pipeline.MarkerRef;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.scene.Stage;
import dev.scenegate.sweep.FreshnessAlert;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Alerts as the marker function publishes them (ChecksumAlert.toJson / toMessage). */
final class AlertFixtures {
  static final String EXPECTED = "a".repeat(64);
  static final String ACTUAL = "b".repeat(64);

  private AlertFixtures() {}

  static ChecksumAlert checksumFailure(String alertId, int failureCount) {
    List<ChecksumAlert.Failure> failures = new ArrayList<>();
    for (int i = 0; i < failureCount; i++) {
      failures.add(
          new ChecksumAlert.Failure(
              "obj_" + i + "/asset.glb", "SHA256_MISMATCH", EXPECTED, ACTUAL, 1234L, 1234L));
    }
    return new ChecksumAlert(
        alertId,
        "checksum_failure",
        "critical",
        "kitchen_001",
        "prod-scenes",
        "scenes/kitchen_001/assets/source_checksums.json",
        failures,
        ChecksumAlert.REMEDIATION,
        "2026-11-22T18:00:00Z",
        null);
  }

  static final Instant SINCE = Instant.parse("2026-11-22T06:00:00Z");
  static final Instant AT = Instant.parse("2026-11-22T18:00:00Z");

  /** dwm waiting for regen3d since 06:00, alerted at 18:00+: as the freshness check builds it. */
  static ChecksumAlert freshnessWaiting() {
    return FreshnessAlert.of(
        new FreshnessAlert.StaleStage(
            "kitchen_001",
            "prod-scenes",
            Stage.DWM,
            StageStatus.WAITING,
            SINCE.toString(),
            MarkerRef.of("scenes/kitchen_001/dwm/.dwm_complete", 1732300000000000L),
            Stage.REGEN3D,
            StageStatus.PENDING,
            Duration.ofHours(24)),
        AT);
  }

  /** geniesim_export running since 06:00 on its submitted marker. */
  static ChecksumAlert freshnessRunning() {
    return FreshnessAlert.of(
        new FreshnessAlert.StaleStage(
            "kitchen_001",
            "prod-scenes",
            Stage.GENIESIM_EXPORT,
            StageStatus.RUNNING,
            SINCE.toString(),
            MarkerRef.of("scenes/kitchen_001/geniesim/.geniesim_submitted", 1732300000000001L),
            null,
            null,
            Duration.ofHours(6)),
        AT);
  }

  static final String MANIFEST = "scenes/kitchen_001/assets/source_checksums.json";

  /** An audit of kitchen_001's assets: one replaced, one deleted, one untracked file. */
  static ChecksumAlert fixity() {
    return FixityAlert.of(
        "kitchen_001",
        "prod-scenes",
        List.of(
            new AuditFinding(
                "kitchen_001",
                MANIFEST,
                "obj_1/asset.glb",
                AuditFinding.Kind.CHANGED,
                1732300000000111L,
                1732300000000222L,
                EXPECTED,
                ACTUAL),
            new AuditFinding(
                "kitchen_001",
                MANIFEST,
                "obj_2/mesh.obj",
                AuditFinding.Kind.MISSING,
                1732300000000333L,
                null,
                EXPECTED,
                null),
            new AuditFinding(
                "kitchen_001",
                MANIFEST,
                "stray.tmp",
                AuditFinding.Kind.UNTRACKED,
                null,
                1732300000000444L,
                null,
                null)),
        AT);
  }

  static byte[] bytes(ChecksumAlert alert) {
    return alert.toMessage().data();
  }

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
