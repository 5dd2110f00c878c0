package dev.scenegate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.regression.BundleInvalidException;
import dev.scenegate.regression.DatasetMetrics;
import dev.scenegate.regression.DriftGuard;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.verify.FileFailure;
import dev.scenegate.verify.Verifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scenegate regression --dataset-dir DIR [--baseline F] [--thresholds F] [--write-baseline]
 * [--json]}: the runbook's golden dataset drift guard.
 */
@Command(
    name = "regression",
    customSynopsis =
        "scenegate regression --dataset-dir DIR [--baseline FILE] [--thresholds FILE]"
            + " [--write-baseline] [--json]",
    header =
        "golden dataset regression: compare an episode bundle's metrics with a pinned baseline",
    description = {
      "Computes quality metrics of an episode bundle and compares them with a pinned baseline"
          + " within the allowed drift (runbook \"Golden Dataset Regression (Quality Drift"
          + " Guard)\").",
      "",
      "bundle format (DIR):",
      "  episodes/*.json       one JSON object per episode (top level of episodes/ only):",
      "                          episode_id     non-empty string, unique",
      "                          quality_score  number in [0, 1]",
      "                          duration_s     number >= 0 (seconds)",
      "                          collisions     whole number >= 0",
      "                        other fields are ignored",
      "  checksums.json        checksum manifest in source_checksums.json format, keys relative",
      "                        to DIR (e.g. \"recordings/episode_000001.jsonl\")",
      "  import_manifest.json  used when there is no checksums.json: its \"checksums\" object has",
      "                        the shape of a manifest's \"files\": {path: {sha256, size_bytes}}",
      "",
      "metrics:",
      "  episode_count",
      "  quality_score.mean .min .p10 .p50 .p90   (linear interpolation between ranks)",
      "  collision_rate                           fraction of episodes with collisions > 0",
      "  duration_s.mean .p50 .p90",
      "  checksum_files                           files the checksums list",
      "  checksum_consistency                     fraction of them whose size and SHA-256 match",
      "",
      "baseline (default DIR/baseline_metrics.json):",
      "  { \"schema_version\": \"1.0\", \"metrics\": { \"episode_count\": 10, ... } }  every"
          + " metric pinned",
      "thresholds (default DIR/thresholds.json):",
      "  { \"schema_version\": \"1.0\", \"default\": { \"abs\": 0 },",
      "    \"metrics\": { \"quality_score.mean\": { \"abs\": 0.01 }, \"duration_s.mean\":"
          + " { \"rel\": 0.05 } } }",
      "  a metric drifts when |current - baseline| > abs, or > rel * |baseline|, or the larger",
      "  of the two when both are given; metrics without an entry use \"default\", else exact."
    },
    footer = {
      "exit codes: 0 no drift (or baseline written), 1 a metric drifted beyond its threshold,",
      "            2 bad input (missing or malformed bundle, baseline or thresholds)"
    })
public final class RegressionCommand extends CliCommand {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String BASELINE = "baseline_metrics.json";
  static final String THRESHOLDS = "thresholds.json";

  @Option(names = "--dataset-dir", paramLabel = "DIR", description = "the bundle")
  String datasetDir;

  @Option(
      names = "--baseline",
      paramLabel = "FILE",
      description = "pinned metrics (default DIR/baseline_metrics.json)")
  String baselineOption;

  @Option(
      names = "--thresholds",
      paramLabel = "FILE",
      description = "allowed drift (default DIR/thresholds.json)")
  String thresholdsOption;

  @Option(
      names = "--write-baseline",
      description = "pin the bundle's current metrics as the new baseline and exit")
  boolean write;

  @Option(
      names = "--json",
      description =
          "print one JSON object on stdout: dataset_dir, baseline, thresholds, ok, mode,"
              + " metrics, comparisons, drifted, error")
  boolean json;

  private Path dir;
  private Path baseline;
  private Path thresholds;

  @Override
  protected int run() throws Exception {
    Console console = console();
    if (datasetDir == null) {
      throw CliException.usage("missing --dataset-dir DIR");
    }
    dir = path(datasetDir, "--dataset-dir");
    baseline = baselineOption == null ? dir.resolve(BASELINE) : path(baselineOption, "--baseline");
    thresholds =
        thresholdsOption == null ? dir.resolve(THRESHOLDS) : path(thresholdsOption, "--thresholds");
    if (!Files.isDirectory(dir)) {
      throw new CliException(ExitCodes.BAD_INPUT, "DIR_NOT_FOUND", "no such folder: " + datasetDir);
    }
    LocalObjectStore store = new LocalObjectStore(dir);
    DatasetMetrics.Result result;
    Map<String, Double> pinned = null;
    Map<String, DriftGuard.Allowance> allowances = null;
    try {
      if (!write) {
        // Bad baseline or thresholds are reported before any hashing.
        pinned = DriftGuard.readBaseline(baseline);
        allowances = DriftGuard.readThresholds(thresholds);
      }
      result =
          new DatasetMetrics(
                  store, new Verifier(store, Verifier.defaultThreads(), new SimpleMeterRegistry()))
              .compute();
    } catch (BundleInvalidException e) {
      throw new CliException(ExitCodes.BAD_INPUT, "BUNDLE_INVALID", e.getMessage());
    }
    if (write) {
      if (!result.checksumFailures().isEmpty()) {
        // A baseline pins what is expected from now on: a damaged bundle would become the norm.
        console
            .err()
            .println(
                "scenegate regression: warning: pinning a degraded baseline, "
                    + CONSISTENCY
                    + " "
                    + num(result.metrics().get(CONSISTENCY))
                    + ": "
                    + failingFiles(result));
      }
      DriftGuard.writeBaseline(baseline, result.metrics());
      if (json) {
        console.out().println(toJson(dir, baseline, null, "write-baseline", result, null, null));
      } else {
        printMetrics(console.out(), dir, result);
        console.out().printf("%nPINNED  baseline written to %s%n", baseline);
      }
      return ExitCodes.OK;
    }
    List<DriftGuard.Comparison> comparisons =
        DriftGuard.compare(result.metrics(), pinned, allowances);
    List<DriftGuard.Comparison> drifted =
        comparisons.stream().filter(DriftGuard.Comparison::drifted).toList();
    if (json) {
      console
          .out()
          .println(toJson(dir, baseline, thresholds, "compare", result, comparisons, null));
    } else {
      printComparison(console.out(), dir, baseline, thresholds, result, comparisons, drifted);
    }
    if (!drifted.isEmpty()) {
      console
          .err()
          .println(
              "scenegate regression: DRIFT in "
                  + drifted.size()
                  + " of "
                  + comparisons.size()
                  + " metrics: "
                  + String.join(
                      ", ", drifted.stream().map(DriftGuard.Comparison::metric).toList()));
      return ExitCodes.FAILED;
    }
    return ExitCodes.OK;
  }

  @Override
  protected ObjectNode jsonFailure(CliException e) {
    return toJson(
        dir, baseline, thresholds, write ? "write-baseline" : "compare", null, null, e.toJson());
  }

  private static Path path(String given, String what) throws CliException {
    return LocalPaths.of(given, what);
  }

  static ObjectNode toJson(
      Path dir,
      Path baseline,
      Path thresholds,
      String mode,
      DatasetMetrics.Result result,
      List<DriftGuard.Comparison> comparisons,
      ObjectNode error) {
    ObjectNode root = JSON.createObjectNode();
    root.put("dataset_dir", dir == null ? null : dir.toString());
    root.put("baseline", baseline == null ? null : baseline.toString());
    root.put("thresholds", thresholds == null ? null : thresholds.toString());
    boolean ok =
        error == null
            && (comparisons == null
                || comparisons.stream().noneMatch(DriftGuard.Comparison::drifted));
    root.put("ok", ok);
    root.put("mode", mode);
    ObjectNode metrics = root.putObject("metrics");
    if (result != null) {
      result.metrics().forEach((name, value) -> DriftGuard.putMetric(metrics, name, value));
    }
    ArrayNode rows = root.putArray("comparisons");
    ArrayNode drifted = root.putArray("drifted");
    if (comparisons != null) {
      for (DriftGuard.Comparison c : comparisons) {
        ObjectNode row = rows.addObject();
        row.put("metric", c.metric());
        DriftGuard.putMetric(row, "baseline", c.baseline());
        DriftGuard.putMetric(row, "current", c.current());
        row.put("delta", c.delta());
        row.put("allowed", c.allowed());
        row.put("drifted", c.drifted());
        if (c.drifted()) {
          drifted.add(c.metric());
        }
      }
    }
    root.set("error", error);
    return root;
  }

  private static void printMetrics(PrintStream out, Path dir, DatasetMetrics.Result result) {
    out.printf("dataset %s (%d episodes)%n%n", dir, result.episodes().size());
    out.printf("%-22s  %s%n", "METRIC", "VALUE");
    result.metrics().forEach((name, value) -> out.printf("%-22s  %s%n", name, num(value)));
  }

  private static void printComparison(
      PrintStream out,
      Path dir,
      Path baseline,
      Path thresholds,
      DatasetMetrics.Result result,
      List<DriftGuard.Comparison> comparisons,
      List<DriftGuard.Comparison> drifted) {
    out.printf("dataset    %s (%d episodes)%n", dir, result.episodes().size());
    out.printf("baseline   %s%nthresholds %s%n%n", baseline, thresholds);
    String format = "%-22s  %12s  %12s  %12s  %12s  %s%n";
    out.printf(format, "METRIC", "BASELINE", "CURRENT", "DELTA", "ALLOWED", "");
    for (DriftGuard.Comparison c : comparisons) {
      out.printf(
          format,
          c.metric(),
          num(c.baseline()),
          num(c.current()),
          num(c.delta()),
          num(c.allowed()),
          c.drifted() ? "DRIFT" : "ok");
    }
    out.println();
    if (drifted.isEmpty()) {
      out.printf("OK  no metric drifted (%d compared)%n", comparisons.size());
      return;
    }
    out.printf("DRIFT  %d of %d metrics drifted:%n", drifted.size(), comparisons.size());
    for (DriftGuard.Comparison c : drifted) {
      out.printf(
          "  %s: %s -> %s (|delta| %s > allowed %s)%n",
          c.metric(),
          num(c.baseline()),
          num(c.current()),
          num(Math.abs(c.delta())),
          num(c.allowed()));
      if (c.metric().equals(CONSISTENCY)) {
        out.printf("    %s%n", failingFiles(result));
      }
    }
  }

  static final String CONSISTENCY = "checksum_consistency";

  /** The files behind checksum_consistency < 1: "2 files fail: a.jsonl (SHA256_MISMATCH), ...". */
  static String failingFiles(DatasetMetrics.Result result) {
    List<FileFailure> failures = result.checksumFailures();
    if (failures.isEmpty()) {
      return "no file fails its checksum";
    }
    List<String> named = new java.util.ArrayList<>();
    for (FileFailure f : failures.subList(0, Math.min(10, failures.size()))) {
      named.add(f.path() + " (" + f.kind() + ")");
    }
    return failures.size()
        + (failures.size() == 1 ? " file fails" : " files fail")
        + " its checksum: "
        + String.join(", ", named)
        + (failures.size() > 10 ? ", ..." : "");
  }

  /** Up to six decimals, no trailing zeros, no exponent. */
  static String num(double value) {
    if (!Double.isFinite(value)) {
      return Double.toString(value);
    }
    String text =
        BigDecimal.valueOf(value)
            .setScale(6, RoundingMode.HALF_EVEN)
            .stripTrailingZeros()
            .toPlainString();
    return text.equals("-0") ? "0" : text;
  }
}
