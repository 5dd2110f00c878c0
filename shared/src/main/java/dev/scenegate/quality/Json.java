package dev.scenegate.quality;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.OptionalDouble;

/** Small helpers for reading untrusted report JSON and quoting it back to people. */
final class Json {
  private Json() {}

  /** Tolerance for comparing report numbers with thresholds (binary floating point noise). */
  static final double EPSILON = 1e-9;

  static String typeName(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "missing";
    }
    return switch (node.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** The finite value of a JSON number; empty for anything else (strings never count). */
  static OptionalDouble finiteNumber(JsonNode node) {
    if (node == null || !node.isNumber()) {
      return OptionalDouble.empty();
    }
    double value = node.doubleValue();
    return Double.isFinite(value) ? OptionalDouble.of(value) : OptionalDouble.empty();
  }

  /** A JSON number with a whole value (3 and 3.0 both), as a long; null otherwise. */
  static Long wholeNumber(JsonNode node) {
    if (node == null || !node.isNumber()) {
      return null;
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? node.longValue() : null;
    }
    BigDecimal value = node.decimalValue();
    try {
      return value.stripTrailingZeros().scale() <= 0 ? value.longValueExact() : null;
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /** A number for people: at least two decimals (0.90), no exponent for ordinary magnitudes. */
  static String fmt(double value) {
    if (!Double.isFinite(value) || Math.abs(value) >= 1e9) {
      return Double.toString(value);
    }
    BigDecimal decimal = BigDecimal.valueOf(value);
    if (decimal.scale() < 2) {
      decimal = decimal.setScale(2);
    }
    return decimal.toPlainString();
  }

  /** How a node's value reads in a message; strings are quoted and clipped. */
  static String show(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "missing";
    }
    if (node.isTextual()) {
      return "\"" + clip(node.textValue(), 60) + "\"";
    }
    if (node.isNumber()) {
      OptionalDouble d = finiteNumber(node);
      if (node.isIntegralNumber() && node.canConvertToLong()) {
        return Long.toString(node.longValue());
      }
      return d.isPresent() ? fmt(d.getAsDouble()) : clip(node.asText(), 30);
    }
    if (node.isContainerNode()) {
      return typeName(node);
    }
    return node.asText();
  }

  /**
   * Makes untrusted text safe for a one-line message: control characters become '?', long text is
   * cut.
   */
  static String clip(String text, int max) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), max + 3));
    for (int i = 0; i < text.length() && out.length() < max; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    if (text.length() > max) {
      out.append("...");
    }
    return out.toString();
  }
}
