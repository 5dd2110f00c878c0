package dev.scenegate.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.AlertKind;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.scene.SceneIds;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads an alert published on {@code checksum-alerts} (DESIGN: Events). Lenient where a newer
 * producer may add things (unknown fields are kept, in {@link ChecksumAlert#extra()} and in the
 * original JSON), strict where scenegate relies on a value: {@code alert_id}, a known {@code kind},
 * a valid {@code scene_id}, a major {@code schema_version} of 1, and well-typed failures.
 */
public final class AlertCodec {
  /** DESIGN's alert kinds; any other is poison. */
  public static final Set<String> KINDS =
      Arrays.stream(AlertKind.values())
          .map(AlertKind::wireName)
          .collect(Collectors.toCollection(java.util.TreeSet::new));

  static final int MAX_ALERT_ID_LENGTH = 256;

  private static final Set<String> KNOWN_FIELDS =
      Set.of(
          "schema_version",
          "alert_id",
          "kind",
          "severity",
          "scene_id",
          "bucket",
          "manifest",
          "failures",
          "remediation",
          "occurred_at");

  private AlertCodec() {}

  public static ReceivedAlert decode(byte[] data) throws InvalidAlertException {
    if (data == null || data.length == 0) {
      throw new InvalidAlertException("empty message");
    }
    JsonNode root;
    try {
      root = EventJson.MAPPER.readTree(data);
    } catch (JsonProcessingException e) {
      throw new InvalidAlertException("not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidAlertException("not JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidAlertException("not a JSON object");
    }
    ObjectNode json = (ObjectNode) root;
    checkSchemaVersion(json.get("schema_version"));
    String alertId = requiredText(json, "alert_id");
    if (alertId.length() > MAX_ALERT_ID_LENGTH || hasControl(alertId)) {
      throw new InvalidAlertException(
          "alert_id must be at most " + MAX_ALERT_ID_LENGTH + " printable characters");
    }
    String kind = requiredText(json, "kind");
    if (!KINDS.contains(kind)) {
      throw new InvalidAlertException(
          "unknown kind '" + abbreviate(kind) + "' (expected one of " + KINDS + ")");
    }
    String sceneId = requiredText(json, "scene_id");
    if (!SceneIds.isValid(sceneId)) {
      throw new InvalidAlertException("invalid scene_id '" + abbreviate(sceneId) + "'");
    }
    if (kind.equals(AlertKind.FRESHNESS.wireName())) {
      checkFreshness(json);
    }
    String severity = optionalText(json, "severity");
    ChecksumAlert alert =
        new ChecksumAlert(
            alertId,
            kind,
            severity == null || severity.isBlank() ? "critical" : severity,
            sceneId,
            optionalText(json, "bucket"),
            optionalText(json, "manifest"),
            failures(json.get("failures")),
            remediation(json.get("remediation")),
            optionalText(json, "occurred_at"),
            extra(json));
    return new ReceivedAlert(alert, json);
  }

  private static void checkSchemaVersion(JsonNode version) throws InvalidAlertException {
    if (version == null || version.isNull()) {
      return;
    }
    if (!version.isTextual()) {
      throw new InvalidAlertException("schema_version must be a string");
    }
    String text = version.asText();
    String major = text.contains(".") ? text.substring(0, text.indexOf('.')) : text;
    if (!major.equals("1")) {
      throw new InvalidAlertException(
          "unsupported schema_version '" + abbreviate(text) + "' (this reader knows 1.x)");
    }
  }

  private static List<ChecksumAlert.Failure> failures(JsonNode node) throws InvalidAlertException {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new InvalidAlertException("failures must be an array");
    }
    List<ChecksumAlert.Failure> result = new ArrayList<>(node.size());
    int index = 0;
    for (JsonNode item : node) {
      if (!item.isObject()) {
        throw new InvalidAlertException("failures[" + index + "] must be an object");
      }
      JsonNode path = item.get("path");
      if (path == null || !path.isTextual()) {
        throw new InvalidAlertException("failures[" + index + "].path must be a string");
      }
      result.add(
          new ChecksumAlert.Failure(
              path.asText(),
              textOrNull(item.get("kind")),
              textOrNull(item.get("expected_sha256")),
              textOrNull(item.get("actual_sha256")),
              longOrNull(item.get("expected_size")),
              longOrNull(item.get("actual_size")),
              generationOrNull(item.get("expected_generation")),
              generationOrNull(item.get("actual_generation"))));
      index++;
    }
    return result;
  }

  /**
   * A {@code freshness} alert names its stage and status (the text shows them); {@code since},
   * {@code waiting_for} and {@code marker}, when present, are of their type.
   */
  private static void checkFreshness(ObjectNode json) throws InvalidAlertException {
    requiredText(json, "stage");
    requiredText(json, "status");
    optionalText(json, "since");
    optionalText(json, "waiting_for");
    JsonNode marker = json.get("marker");
    if (marker == null || marker.isNull()) {
      return;
    }
    if (!marker.isObject() || !marker.path("object").isTextual()) {
      throw new InvalidAlertException("marker must be an object with a string object");
    }
    JsonNode generation = marker.get("generation");
    if (generation != null
        && !generation.isNull()
        && !(generation.isIntegralNumber() || generation.asText("").matches("[0-9]{1,19}"))) {
      throw new InvalidAlertException("marker.generation must be a generation number");
    }
  }

  private static List<String> remediation(JsonNode node) throws InvalidAlertException {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new InvalidAlertException("remediation must be an array of strings");
    }
    List<String> steps = new ArrayList<>();
    for (JsonNode step : node) {
      if (!step.isTextual()) {
        throw new InvalidAlertException("remediation must be an array of strings");
      }
      steps.add(step.asText());
    }
    return steps;
  }

  private static ObjectNode extra(ObjectNode json) {
    ObjectNode extra = EventJson.MAPPER.createObjectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!KNOWN_FIELDS.contains(field.getKey())) {
        extra.set(field.getKey(), field.getValue());
      }
    }
    return extra.isEmpty() ? null : extra;
  }

  private static String requiredText(ObjectNode json, String field) throws InvalidAlertException {
    JsonNode node = json.get(field);
    if (node == null || node.isNull()) {
      throw new InvalidAlertException("missing required field " + field);
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw new InvalidAlertException(field + " must be a non-empty string");
    }
    return node.asText();
  }

  private static String optionalText(ObjectNode json, String field) throws InvalidAlertException {
    JsonNode node = json.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new InvalidAlertException(field + " must be a string");
    }
    return node.asText();
  }

  /** Failure details are informational: a value of an odd type is shown as absent. */
  private static String textOrNull(JsonNode node) {
    return node != null && node.isTextual() ? node.asText() : null;
  }

  private static Long longOrNull(JsonNode node) {
    return node != null && node.canConvertToExactIntegral() && node.canConvertToLong()
        ? node.asLong()
        : null;
  }

  /** An object generation: a string of digits (as written) or an integer; else absent. */
  private static Long generationOrNull(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isTextual() && node.asText().matches("[0-9]{1,19}")) {
      try {
        return Long.parseLong(node.asText());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return longOrNull(node);
  }

  private static boolean hasControl(String text) {
    return text.chars().anyMatch(Character::isISOControl);
  }

  /** For error messages: hostile values are cut short and kept on one line. */
  static String abbreviate(String text) {
    String oneLine = text.replaceAll("\\p{Cntrl}", "?");
    return oneLine.length() <= 64 ? oneLine : oneLine.substring(0, 64) + "...";
  }
}
