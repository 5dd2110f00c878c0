package dev.scenegate.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Collects the failures and measured values of one gate. Every criterion is evaluated (no early
 * exit) so a person sees everything wrong at once. Messages read {@code <file>: <what> <value> <op>
 * <limit>}, with {@code <file>} relative to the scene folder.
 */
final class Verdict {
  private final String scenePrefix;
  private final List<String> failures = new ArrayList<>();
  private final Map<String, Object> details = new LinkedHashMap<>();
  private String firstFailedObject;

  Verdict(String scenePrefix) {
    this.scenePrefix = scenePrefix;
  }

  /** The object name relative to the scene folder, as people read it. */
  String relative(String object) {
    return object.startsWith(scenePrefix) ? object.substring(scenePrefix.length()) : object;
  }

  void fail(String object, String message) {
    if (firstFailedObject == null) {
      firstFailedObject = object;
    }
    failures.add(relative(object) + ": " + message);
  }

  /** Takes over another verdict's failures (same scene), e.g. one certificate's. */
  void absorb(Verdict other) {
    if (firstFailedObject == null) {
      firstFailedObject = other.firstFailedObject;
    }
    failures.addAll(other.failures);
  }

  void detail(String key, Object value) {
    if (value != null) {
      details.put(key, value);
    }
  }

  boolean failed() {
    return !failures.isEmpty();
  }

  int failureCount() {
    return failures.size();
  }

  /** Fails when the loaded report is absent or unusable; returns its root otherwise. */
  ObjectNode usable(ReportReader.Loaded loaded, String needed) {
    if (loaded.ok()) {
      return loaded.root();
    }
    fail(
        loaded.object(), loaded.problem() + (needed == null ? "" : " (needed for " + needed + ")"));
    return null;
  }

  /** {@code path} (dotted) is a finite number in [0, 1] and {@code >= min}. */
  void atLeast(String object, ObjectNode root, String path, double min, String detailKey) {
    OptionalDouble value = number(object, root, path, ">= " + Json.fmt(min), true);
    if (value.isEmpty()) {
      return;
    }
    detail(detailKey, value.getAsDouble());
    if (value.getAsDouble() < min - Json.EPSILON) {
      fail(object, path + " " + Json.fmt(value.getAsDouble()) + " < " + Json.fmt(min));
    }
  }

  /** {@code path} equals {@code expected} (a configured threshold named {@code name}). */
  void equalsThreshold(
      String object, ObjectNode root, String path, double expected, String name, String key) {
    OptionalDouble value =
        number(object, root, path, "== " + name + " " + Json.fmt(expected), false);
    if (value.isEmpty()) {
      return;
    }
    detail(key, value.getAsDouble());
    if (Math.abs(value.getAsDouble() - expected) > Json.EPSILON) {
      fail(
          object,
          path + " " + Json.fmt(value.getAsDouble()) + " != " + name + " " + Json.fmt(expected));
    }
  }

  /** {@code path} is the JSON boolean {@code true}. */
  void isTrue(String object, ObjectNode root, String path, String detailKey) {
    JsonNode node = at(object, root, path, "needs true");
    if (node == null) {
      return;
    }
    if (!node.isBoolean()) {
      fail(object, path + " is " + describeWrongType(node) + ", not true/false (needs true)");
      return;
    }
    detail(detailKey, node.booleanValue());
    if (!node.booleanValue()) {
      fail(object, path + " is false (needs true)");
    }
  }

  /** {@code path} is a whole number equal to 0. */
  void isZero(String object, ObjectNode root, String path, String detailKey) {
    Long value = whole(object, root, path, "needs 0");
    if (value == null) {
      return;
    }
    detail(detailKey, value);
    if (value != 0) {
      fail(object, path + " " + value + " != 0");
    }
  }

  /** {@code path} is a whole number above 0. */
  void positive(String object, ObjectNode root, String path, String detailKey) {
    Long value = whole(object, root, path, "needs > 0");
    if (value == null) {
      return;
    }
    detail(detailKey, value);
    if (value <= 0) {
      fail(object, path + " " + value + " is not > 0");
    }
  }

  private Long whole(String object, ObjectNode root, String path, String needs) {
    JsonNode node = at(object, root, path, needs);
    if (node == null) {
      return null;
    }
    if (!node.isNumber()) {
      fail(object, path + " is " + describeWrongType(node) + ", not a number (" + needs + ")");
      return null;
    }
    Long value = Json.wholeNumber(node);
    if (value == null) {
      fail(object, path + " " + Json.show(node) + " is not a whole number (" + needs + ")");
    }
    return value;
  }

  private OptionalDouble number(
      String object, ObjectNode root, String path, String needs, boolean unitInterval) {
    JsonNode node = at(object, root, path, "needs " + needs);
    if (node == null) {
      return OptionalDouble.empty();
    }
    if (!node.isNumber()) {
      fail(
          object, path + " is " + describeWrongType(node) + ", not a number (needs " + needs + ")");
      return OptionalDouble.empty();
    }
    OptionalDouble value = Json.finiteNumber(node);
    if (value.isEmpty()) {
      fail(object, path + " " + Json.show(node) + " is not a finite number");
      return value;
    }
    if (unitInterval && (value.getAsDouble() < 0 || value.getAsDouble() > 1)) {
      fail(object, path + " " + Json.fmt(value.getAsDouble()) + " is outside 0..1");
      return OptionalDouble.empty();
    }
    return value;
  }

  /** The node at a dotted path, or null after recording why it is not there. */
  JsonNode at(String object, ObjectNode root, String path, String needs) {
    JsonNode node = root;
    String walked = "";
    for (String part : path.split("\\.")) {
      if (!node.isObject()) {
        fail(object, walked + " is " + Json.typeName(node) + ", not an object (" + path + ")");
        return null;
      }
      node = node.get(part);
      walked = walked.isEmpty() ? part : walked + "." + part;
      if (node == null || node.isNull()) {
        String where = walked.equals(path) ? "" : path + " ";
        fail(
            object,
            walked + (node == null ? " is missing" : " is null") + " (" + where + needs + ")");
        return null;
      }
    }
    return node;
  }

  private static String describeWrongType(JsonNode node) {
    return node.isTextual() || node.isBoolean()
        ? Json.typeName(node) + " " + Json.show(node)
        : Json.typeName(node);
  }

  GateResult result(String passReportObject) {
    if (failures.isEmpty()) {
      return GateResult.pass(passReportObject, details);
    }
    return GateResult.fail(firstFailedObject, failures, details);
  }
}
