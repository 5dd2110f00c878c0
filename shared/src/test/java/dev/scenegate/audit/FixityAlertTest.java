package dev.scenegate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FixityAlertTest {
  static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
  static final String ASSETS = "scenes/k1/assets/source_checksums.json";
  static final String ROOT = "scenes/k1/source_checksums.json";
  static final String SHA_A = "a".repeat(64);
  static final String SHA_B = "b".repeat(64);

  static AuditFinding changed(String manifest, String path) {
    return new AuditFinding(
        "k1", manifest, path, AuditFinding.Kind.CHANGED, 10L, 11L, SHA_A, SHA_B);
  }

  static AuditFinding missing(String manifest, String path) {
    return new AuditFinding(
        "k1", manifest, path, AuditFinding.Kind.MISSING, 10L, null, SHA_A, null);
  }

  @Test
  void oneAlertForTheSceneWithDesignsFieldsAndEveryFinding() throws Exception {
    ChecksumAlert alert =
        FixityAlert.of(
            "k1",
            "b1",
            List.of(changed(ASSETS, "obj_1/a.glb"), missing(ASSETS, "obj_2/b.glb")),
            AT);
    JsonNode json = EventJson.MAPPER.readTree(alert.toMessage().data());
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertEquals(
        List.of(
            "schema_version",
            "alert_id",
            "kind",
            "severity",
            "scene_id",
            "bucket",
            "manifest",
            "failures",
            "remediation",
            "occurred_at",
            "manifests"),
        fields);
    assertEquals("fixity", json.get("kind").asText());
    assertEquals("critical", json.get("severity").asText());
    assertEquals(ASSETS, json.get("manifest").asText());
    assertEquals(AT.toString(), json.get("occurred_at").asText());
    JsonNode first = json.get("failures").get(0);
    assertEquals("obj_1/a.glb", first.get("path").asText());
    assertEquals("CHANGED", first.get("kind").asText());
    assertEquals("10", first.get("expected_generation").asText());
    assertEquals("11", first.get("actual_generation").asText());
    assertEquals(SHA_A, first.get("expected_sha256").asText());
    assertEquals(SHA_B, first.get("actual_sha256").asText());
    JsonNode second = json.get("failures").get(1);
    assertFalse(second.has("actual_generation"), "unknown values are left out: " + second);
    assertEquals(
        Map.of("scene_id", "k1", "kind", "fixity", "severity", "critical"), alert.attributes());
    assertTrue(String.join(" ", alert.remediation()).contains("scenegate redrive k1"));
    assertFalse(String.join(" ", alert.remediation()).contains("Untracked"));
  }

  @Test
  void theSameFindingsAreTheSameAlertInAnyOrderAndOthersAreNot() {
    AuditFinding a = changed(ASSETS, "obj_1/a.glb");
    AuditFinding b = missing(ASSETS, "obj_2/b.glb");
    String id = FixityAlert.of("k1", "b1", List.of(a, b), AT).alertId();
    assertEquals(id, FixityAlert.of("k1", "b1", List.of(b, a), AT.plusSeconds(3600)).alertId());
    assertNotEquals(id, FixityAlert.of("k1", "b1", List.of(a), AT).alertId());
    AuditFinding replacedAgain =
        new AuditFinding(
            "k1", ASSETS, "obj_1/a.glb", AuditFinding.Kind.CHANGED, 10L, 12L, SHA_A, null);
    assertNotEquals(id, FixityAlert.of("k1", "b1", List.of(replacedAgain, b), AT).alertId());
  }

  @Test
  void findingsOfTwoManifestsArePathsInTheSceneFolder() {
    ChecksumAlert alert =
        FixityAlert.of(
            "k1",
            "b1",
            List.of(
                changed(ASSETS, "obj_1/a.glb"),
                new AuditFinding(
                    "k1", ROOT, "stray.png", AuditFinding.Kind.UNTRACKED, null, 5L, null, null)),
            AT);
    assertEquals(ROOT, alert.manifest());
    assertEquals(
        List.of("assets/obj_1/a.glb", "stray.png"),
        alert.failures().stream().map(ChecksumAlert.Failure::path).toList());
    assertEquals(2, alert.extra().get("manifests").size());
    assertTrue(String.join(" ", alert.remediation()).contains("Untracked"));
  }

  @Test
  void findingsAreRequiredAndOfTheScene() {
    assertThrows(IllegalArgumentException.class, () -> FixityAlert.of("k1", "b1", List.of(), AT));
    AuditFinding other =
        new AuditFinding("k2", ASSETS, "x", AuditFinding.Kind.MISSING, 1L, null, SHA_A, null);
    assertThrows(
        IllegalArgumentException.class, () -> FixityAlert.of("k1", "b1", List.of(other), AT));
  }

  @Test
  void findingsAreCountedByKind() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AuditMeters meters = AuditMeters.boundTo(registry);
    meters.finding(AuditFinding.Kind.CHANGED);
    meters.finding(AuditFinding.Kind.CHANGED);
    meters.finding(AuditFinding.Kind.UNTRACKED);
    assertEquals(2.0, registry.get(AuditMeters.FINDINGS).tag("kind", "changed").counter().count());
    assertEquals(
        1.0, registry.get(AuditMeters.FINDINGS).tag("kind", "untracked").counter().count());
  }

  @Test
  void aFindingIsDesignsAuditJson() throws Exception {
    JsonNode json = EventJson.MAPPER.valueToTree(missing(ASSETS, "obj_2/b.glb"));
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertEquals(
        List.of(
            "scene_id",
            "manifest",
            "path",
            "kind",
            "expected_generation",
            "actual_generation",
            "expected_sha256",
            "actual_sha256"),
        fields);
    assertEquals("MISSING", json.get("kind").asText());
    assertEquals("10", json.get("expected_generation").asText());
    assertTrue(json.get("actual_generation").isNull());
  }
}
