package dev.scenegate.alerts;

import dev.scenegate.events.ChecksumAlert;
import java.nio.charset.StandardCharsets;
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

  static byte[] bytes(ChecksumAlert alert) {
    return alert.toMessage().data();
  }

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
