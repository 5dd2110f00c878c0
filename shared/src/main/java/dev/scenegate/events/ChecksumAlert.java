package dev.scenegate.events;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.verify.FileFailure;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An alert as published on {@code checksum-alerts} (DESIGN: Events). {@code kind} is the wire name
 * of an {@link AlertKind}. {@link Failure} is the one per-file failure shape: alerts, the state's
 * outcomes and the alert reader all use it.
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

  /**
   * One failing file: expected and actual digest and size (actuals null when unknown); {@code kind}
   * is {@code MISSING}, {@code SIZE_MISMATCH} or {@code SHA256_MISMATCH} for a verification, and
   * {@code CHANGED}, {@code MISSING} or {@code UNTRACKED} for an audit's {@code fixity} finding,
   * which also names the object generation that was verified and the one there now (strings, as GCS
   * generations exceed what JSON readers keep exact; left out of the JSON when null, so the
   * verification's shape is unchanged).
   */
  public record Failure(
      String path,
      String kind,
      String expectedSha256,
      String actualSha256,
      Long expectedSize,
      Long actualSize,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonFormat(shape = JsonFormat.Shape.STRING)
          Long expectedGeneration,
      @JsonInclude(JsonInclude.Include.NON_NULL) @JsonFormat(shape = JsonFormat.Shape.STRING)
          Long actualGeneration) {

    /** A verification's failure: no generations. */
    public Failure(
        String path,
        String kind,
        String expectedSha256,
        String actualSha256,
        Long expectedSize,
        Long actualSize) {
      this(path, kind, expectedSha256, actualSha256, expectedSize, actualSize, null, null);
    }

    /** The wire form of a verifier's finding (the {@code verify --json} failure shape too). */
    public static Failure of(FileFailure f) {
      return new Failure(
          f.path(),
          f.kind().name(),
          f.expectedSha256(),
          f.actualSha256(),
          f.expectedSize(),
          f.actualSize());
    }
  }

  public ChecksumAlert {
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(kind, "kind");
    failures = List.copyOf(failures);
    remediation = List.copyOf(remediation);
  }

  /** The published fields in DESIGN's order; {@link #extra} follows. */
  private record Wire(
      String schemaVersion,
      String alertId,
      String kind,
      String severity,
      String sceneId,
      String bucket,
      String manifest,
      List<Failure> failures,
      List<String> remediation,
      String occurredAt) {}

  public ObjectNode toJson() {
    ObjectNode root =
        EventJson.MAPPER.valueToTree(
            new Wire(
                SCHEMA_VERSION,
                alertId,
                kind,
                severity,
                sceneId,
                bucket,
                manifest,
                failures,
                remediation,
                occurredAt));
    if (extra != null) {
      extra.fields().forEachRemaining(e -> root.putIfAbsent(e.getKey(), e.getValue()));
    }
    return root;
  }

  /** The kind as a type; empty for a kind this version does not know. */
  public java.util.Optional<AlertKind> alertKind() {
    return AlertKind.fromWireName(kind);
  }

  /** Attributes scene_id, kind, severity. */
  public Map<String, String> attributes() {
    return Map.of(
        "scene_id", sceneId == null ? "" : sceneId,
        "kind", kind,
        "severity", severity == null ? "critical" : severity);
  }

  /** The Pub/Sub message; ordering key scene_id. */
  public OutboundMessage toMessage() {
    return OutboundMessage.of(
        Topic.CHECKSUM_ALERTS,
        toJson().toString().getBytes(StandardCharsets.UTF_8),
        attributes(),
        sceneId);
  }
}
