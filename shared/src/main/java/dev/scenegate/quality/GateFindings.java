package dev.scenegate.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Collects the failures of one gate, each a {@link GateFailure} under the criterion being checked
 * ({@link #checking}). Every criterion is evaluated (no early exit) so a person sees everything
 * wrong at once. Messages read {@code <what> <value> <op> <limit>}; the readers below return the
 * value they read (null when it is unusable, after recording why) for the gate's measures.
 */
final class GateFindings {
  private final String scenePrefix;
  private final List<GateFailure> failures = new ArrayList<>();
  private GateFailure.Criterion criterion;

  GateFindings(String scenePrefix, GateFailure.Criterion criterion) {
    this.scenePrefix = scenePrefix;
    this.criterion = criterion;
  }

  /** The criterion the following failures belong to. */
  GateFindings checking(GateFailure.Criterion next) {
    this.criterion = next;
    return this;
  }

  GateFailure.Criterion criterion() {
    return criterion;
  }

  /** The object name relative to the scene folder, as people read it. */
  String relative(String object) {
    return object.startsWith(scenePrefix) ? object.substring(scenePrefix.length()) : object;
  }

  void fail(String object, String message) {
    failures.add(
        new GateFailure(
            object,
            relative(object),
            criterion,
            message,
            criterion == GateFailure.Criterion.NO_MOCK));
  }

  /** Takes over another gate's findings (same scene), e.g. one certificate's. */
  void absorb(GateFindings other) {
    failures.addAll(other.failures);
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
  Double atLeast(String object, ObjectNode root, String path, double min) {
    OptionalDouble value = number(object, root, path, ">= " + Json.fmt(min), true);
    if (value.isEmpty()) {
      return null;
    }
    if (value.getAsDouble() < min - Json.EPSILON) {
      fail(object, path + " " + Json.fmt(value.getAsDouble()) + " < " + Json.fmt(min));
    }
    return value.getAsDouble();
  }

  /** {@code path} equals {@code expected} (a configured threshold named {@code name}). */
  Double equalsThreshold(
      String object, ObjectNode root, String path, double expected, String name) {
    OptionalDouble value =
        number(object, root, path, "== " + name + " " + Json.fmt(expected), false);
    if (value.isEmpty()) {
      return null;
    }
    if (Math.abs(value.getAsDouble() - expected) > Json.EPSILON) {
      fail(
          object,
          path + " " + Json.fmt(value.getAsDouble()) + " != " + name + " " + Json.fmt(expected));
    }
    return value.getAsDouble();
  }

  /** {@code path} is the JSON boolean {@code true}. */
  Boolean isTrue(String object, ObjectNode root, String path) {
    JsonNode node = at(object, root, path, "needs true");
    if (node == null) {
      return null;
    }
    if (!node.isBoolean()) {
      fail(object, path + " is " + describeWrongType(node) + ", not true/false (needs true)");
      return null;
    }
    if (!node.booleanValue()) {
      fail(object, path + " is false (needs true)");
    }
    return node.booleanValue();
  }

  /** {@code path} is a whole number equal to 0. */
  Long isZero(String object, ObjectNode root, String path) {
    Long value = whole(object, root, path, "needs 0");
    if (value != null && value != 0) {
      fail(object, path + " " + value + " != 0");
    }
    return value;
  }

  /** {@code path} is a whole number above 0. */
  Long positive(String object, ObjectNode root, String path) {
    Long value = whole(object, root, path, "needs > 0");
    if (value != null && value <= 0) {
      fail(object, path + " " + value + " is not > 0");
    }
    return value;
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

  /** The report a failed verdict rests on is the file of its first failure. */
  GateResult result(String passReportObject, GateMeasures measures) {
    if (failures.isEmpty()) {
      return new GateResult(true, passReportObject, List.of(), measures);
    }
    return new GateResult(false, failures.get(0).object(), failures, measures);
  }
}
