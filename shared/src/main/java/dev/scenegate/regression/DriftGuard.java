package dev.scenegate.regression;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pinned baseline ({@code baseline_metrics.json}), the allowed drift ({@code thresholds.json})
 * and the comparison between a bundle's metrics and the baseline.
 *
 * <pre>
 * baseline_metrics.json  { "schema_version": "1.0", "metrics": { "&lt;metric&gt;": number, ... } }
 *                        pins every metric of {@link DatasetMetrics#NAMES}
 * thresholds.json        { "schema_version": "1.0",
 *                          "default": { "abs": 0 },                   (optional)
 *                          "metrics": { "&lt;metric&gt;": { "abs": 0.02 } | { "rel": 0.1 }
 *                                                     | { "abs": .., "rel": .. } } }
 * </pre>
 *
 * A metric drifts when |current - baseline| exceeds its allowance: {@code abs}, or {@code rel} ×
 * |baseline|, or the larger of the two when both are given. Drift is two-sided (an unexplained
 * improvement is a change to the golden data too). A metric without an entry uses {@code default},
 * and without a default must match exactly (allowance 0). Comparisons tolerate 1e-9 of binary
 * floating-point noise.
 */
public final class DriftGuard {
  public static final String SCHEMA_VERSION = "1.0";
  static final double EPSILON = 1e-9;

  private DriftGuard() {}

  /** How far a metric may move from its baseline. */
  public record Allowance(Double abs, Double rel) {
    public static final Allowance EXACT = new Allowance(0.0, null);

    public double allowed(double baseline) {
      double a = abs == null ? 0 : abs;
      double r = rel == null ? 0 : rel * Math.abs(baseline);
      return Math.max(a, r);
    }

    String describe() {
      if (abs != null && rel != null) {
        return "abs " + abs + " or rel " + rel;
      }
      return abs != null ? "abs " + abs : "rel " + rel;
    }
  }

  /** One metric compared with its baseline. */
  public record Comparison(
      String metric,
      double baseline,
      double current,
      double delta,
      double allowed,
      Allowance allowance,
      boolean drifted) {}

  /** Reads and validates a baseline: every metric pinned, nothing unknown, finite numbers. */
  public static Map<String, Double> readBaseline(Path file)
      throws IOException, BundleInvalidException {
    ObjectNode root = readJson(file, "baseline");
    JsonNode metrics = root.get("metrics");
    if (metrics == null || !metrics.isObject()) {
      throw new BundleInvalidException(file + ": no \"metrics\" object");
    }
    Map<String, Double> values = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = metrics.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      if (!DatasetMetrics.NAMES.contains(name)) {
        throw new BundleInvalidException(
            file + ": unknown metric \"" + DatasetMetrics.clip(name) + "\"");
      }
      JsonNode value = field.getValue();
      if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
        throw new BundleInvalidException(
            file
                + ": metric "
                + name
                + " must be a finite number, got "
                + DatasetMetrics.show(value));
      }
      values.put(name, value.doubleValue());
    }
    for (String name : DatasetMetrics.NAMES) {
      if (!values.containsKey(name)) {
        throw new BundleInvalidException(
            file + ": metric " + name + " is not pinned (re-pin with --write-baseline)");
      }
    }
    return values;
  }

  /** Reads and validates thresholds: known metrics, non-negative finite abs/rel. */
  public static Map<String, Allowance> readThresholds(Path file)
      throws IOException, BundleInvalidException {
    ObjectNode root = readJson(file, "thresholds");
    Allowance fallback = Allowance.EXACT;
    JsonNode def = root.get("default");
    if (def != null) {
      fallback = allowance(file, "default", def);
    }
    Map<String, Allowance> allowances = new LinkedHashMap<>();
    for (String name : DatasetMetrics.NAMES) {
      allowances.put(name, fallback);
    }
    JsonNode metrics = root.get("metrics");
    if (metrics != null) {
      if (!metrics.isObject()) {
        throw new BundleInvalidException(file + ": \"metrics\" must be an object");
      }
      Iterator<Map.Entry<String, JsonNode>> fields = metrics.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!DatasetMetrics.NAMES.contains(field.getKey())) {
          throw new BundleInvalidException(
              file + ": unknown metric \"" + DatasetMetrics.clip(field.getKey()) + "\"");
        }
        allowances.put(field.getKey(), allowance(file, field.getKey(), field.getValue()));
      }
    }
    return allowances;
  }

  private static Allowance allowance(Path file, String name, JsonNode node)
      throws BundleInvalidException {
    if (!node.isObject()) {
      throw new BundleInvalidException(
          file + ": " + name + " must be an object with abs and/or rel");
    }
    Iterator<String> keys = node.fieldNames();
    while (keys.hasNext()) {
      String key = keys.next();
      if (!Set.of("abs", "rel").contains(key)) {
        throw new BundleInvalidException(
            file + ": " + name + " has unknown key \"" + DatasetMetrics.clip(key) + "\"");
      }
    }
    Double abs = bound(file, name, node.get("abs"), "abs");
    Double rel = bound(file, name, node.get("rel"), "rel");
    if (abs == null && rel == null) {
      throw new BundleInvalidException(file + ": " + name + " needs abs or rel");
    }
    return new Allowance(abs, rel);
  }

  private static Double bound(Path file, String name, JsonNode node, String key)
      throws BundleInvalidException {
    if (node == null) {
      return null;
    }
    if (!node.isNumber() || !Double.isFinite(node.doubleValue()) || node.doubleValue() < 0) {
      throw new BundleInvalidException(
          file
              + ": "
              + name
              + "."
              + key
              + " must be a number >= 0, got "
              + DatasetMetrics.show(node));
    }
    return node.doubleValue();
  }

  /** Compares every metric; order follows {@link DatasetMetrics#NAMES}. */
  public static List<Comparison> compare(
      Map<String, Double> current,
      Map<String, Double> baseline,
      Map<String, Allowance> allowances) {
    List<Comparison> comparisons = new ArrayList<>();
    for (String name : DatasetMetrics.NAMES) {
      double now = current.get(name);
      double pinned = baseline.get(name);
      Allowance allowance = allowances.getOrDefault(name, Allowance.EXACT);
      double allowed = allowance.allowed(pinned);
      double delta = now - pinned;
      comparisons.add(
          new Comparison(
              name, pinned, now, delta, allowed, allowance, Math.abs(delta) > allowed + EPSILON));
    }
    return comparisons;
  }

  /** Writes a baseline pinning {@code metrics}, atomically (a reader never sees half a file). */
  /**
   * A metric value as JSON: whole values (counts) as integers, {@code 10} rather than {@code 10.0}.
   */
  public static void putMetric(ObjectNode node, String field, double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      node.put(field, (long) value);
    } else {
      node.put(field, value);
    }
  }

  public static void writeBaseline(Path file, Map<String, Double> metrics) throws IOException {
    ObjectNode root = DatasetMetrics.JSON.createObjectNode();
    root.put("schema_version", SCHEMA_VERSION);
    ObjectNode values = root.putObject("metrics");
    for (String name : DatasetMetrics.NAMES) {
      putMetric(values, name, metrics.get(name));
    }
    byte[] bytes =
        (DatasetMetrics.JSON
                    .writer()
                    .with(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(root)
                + "\n")
            .getBytes(StandardCharsets.UTF_8);
    Path absolute = file.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    Path tmp = absolute.resolveSibling("." + absolute.getFileName() + ".tmp");
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(
            tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static ObjectNode readJson(Path file, String what)
      throws IOException, BundleInvalidException {
    if (Files.isDirectory(file)) {
      throw new BundleInvalidException(file + ": is a folder, not a " + what + " file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(DatasetMetrics.MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new BundleInvalidException("no " + what + " file " + file);
    }
    if (bytes.length > DatasetMetrics.MAX_FILE_BYTES) {
      throw new BundleInvalidException(
          file + ": over the " + DatasetMetrics.MAX_FILE_BYTES + "-byte limit");
    }
    JsonNode root;
    try {
      root = DatasetMetrics.JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new BundleInvalidException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw new BundleInvalidException(file + ": not a JSON object");
    }
    JsonNode version = root.get("schema_version");
    if (version != null
        && !(version.isTextual() && version.textValue().startsWith("1."))
        && !(version.isTextual() && version.textValue().equals("1"))) {
      throw new BundleInvalidException(
          file + ": unsupported schema_version " + DatasetMetrics.show(version));
    }
    return (ObjectNode) root;
  }
}
