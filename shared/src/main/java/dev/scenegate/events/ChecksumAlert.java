package dev.scenegate.events;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An alert as published on {@code checksum-alerts} (DESIGN: Events). {@code kind} is {@code
 * checksum_failure}, {@code drift} or {@code gate_failure}.
 */
public record ChecksumAlert(
    String alertId,
    String kind,
    String severity,
    String sceneId,
    String bucket,
    String manifest,
    List<Failure> failures,
    List<String> remediation,
    String occurredAt,
    ObjectNode extra) {

  public static final String SCHEMA_VERSION = "1.0";

  /** The remediation steps of seed 000, in order. */
  public static final List<String> REMEDIATION =
      List.of(
          "Re-stage assets: re-run the upstream job that produced them (scene-generation-job for"
              + " source images, regen3d-job for reconstructed assets) to regenerate the files and"
              + " source_checksums.json.",
          "Confirm storage integrity: if mismatches persist, check the storage layer (GCS bucket,"
              + " local staging mount) for partial or corrupted uploads before retrying.",
          "Re-run the downstream job that failed (episode-generation-job or genie-sim-export-job)"
              + " once the checksum file is restored and validated.");

  /** One failing file: expected and actual digest and size (actuals null when unknown). */
  public record Failure(
      String path,
      String kind,
      String expectedSha256,
      String actualSha256,
      Long expectedSize,
      Long actualSize) {}

  public ChecksumAlert {
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(kind, "kind");
    failures = List.copyOf(failures);
    remediation = List.copyOf(remediation);
  }

  public ObjectNode toJson() {
    ObjectNode root = EventJson.MAPPER.createObjectNode();
    root.put("schema_version", SCHEMA_VERSION);
    root.put("alert_id", alertId);
    root.put("kind", kind);
    root.put("severity", severity);
    root.put("scene_id", sceneId);
    root.put("bucket", bucket);
    root.put("manifest", manifest);
    ArrayNode list = root.putArray("failures");
    for (Failure f : failures) {
      ObjectNode node = list.addObject();
      node.put("path", f.path());
      node.put("kind", f.kind());
      node.put("expected_sha256", f.expectedSha256());
      node.put("actual_sha256", f.actualSha256());
      node.put("expected_size", f.expectedSize());
      node.put("actual_size", f.actualSize());
    }
    ArrayNode steps = root.putArray("remediation");
    remediation.forEach(steps::add);
    root.put("occurred_at", occurredAt);
    if (extra != null) {
      extra.fields().forEachRemaining(e -> root.putIfAbsent(e.getKey(), e.getValue()));
    }
    return root;
  }

  /** The Pub/Sub message: attributes scene_id, kind, severity; ordering key scene_id. */
  public OutboundMessage toMessage() {
    return OutboundMessage.of(
        Topic.CHECKSUM_ALERTS,
        toJson().toString().getBytes(StandardCharsets.UTF_8),
        Map.of(
            "scene_id", sceneId == null ? "" : sceneId,
            "kind", kind,
            "severity", severity == null ? "critical" : severity),
        sceneId);
  }
}
