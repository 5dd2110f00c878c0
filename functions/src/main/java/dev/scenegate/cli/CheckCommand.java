package dev.scenegate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.quality.CheckCriterion;
import dev.scenegate.quality.CheckReport;
import dev.scenegate.quality.QualityGates;
import dev.scenegate.quality.QualityThresholds;
import dev.scenegate.quality.RunbookCheck;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.verify.Verifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scenegate check SCENE_ID (--bucket B | --dir DIR) [--json]}: the runbook, on demand. */
@Command(
    name = "check",
    customSynopsis = "scenegate check SCENE_ID (--bucket B | --dir DIR) [--json]",
    header = "evaluate every production runbook criterion for one scene (PASS/FAIL table)",
    description =
        """
        Evaluates every pass/fail criterion of the production E2E validation runbook (seed 002)
        for scenes/SCENE_ID/ and prints a PASS/FAIL table naming each criterion and the file
        behind it. The checks are the marker function's own:
          - every stage marker is present (source_checksums.json, assets/.regen3d_complete,
            variation_assets/.variation_pipeline_complete, usd/.usd_complete,
            geniesim/.geniesim_submitted + .geniesim_complete, episodes/.episodes_complete,
            geniesim/.geniesim_import_complete, dwm/.dwm_complete)
          - source_checksums.json (scene root) and assets/source_checksums.json verify
          - episodes/quality/validation_report.json: pass_rate >= MIN_PASS_RATE,
            average_score >= MIN_AVERAGE_SCORE, physx_used, no non-PhysX episodes
          - episode-generation-job/quality_gate_report.json: can_proceed, 0 blocking failures
            (legacy runs: every episodes/**/quality_certificate.json instead)
          - episodes/import_manifest.json: average_score >= MIN_QUALITY_SCORE,
            threshold == MIN_QUALITY_SCORE, passed_validation > 0
          - geniesim/job.json exists, geniesim/export_manifest.json has source_assets
          - no mock-fallback indicators (non-PhysX backend, mock capture, dev-only fallback,
            data_quality_level other than production ...) anywhere in those reports
        A stage whose marker is missing fails on the marker and its other checks are SKIP;
        "use_geniesim": false in config.json skips the Genie Sim stages.
        """,
    footer =
        """
        environment: MIN_PASS_RATE (0.90), MIN_AVERAGE_SCORE (0.85), MIN_QUALITY_SCORE (0.85)

        exit codes: 0 PASS, 1 FAIL (a criterion failed),
                    2 bad input (invalid scene id, no such bucket or folder, no scene folder,
                      a store that cannot be reached)""")
public final class CheckCommand extends CliCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", paramLabel = "SCENE_ID", description = "the scene (scenes/SCENE_ID/)")
  String sceneId;

  @Option(
      names = "--bucket",
      paramLabel = "B",
      description =
          "the Cloud Storage bucket (name or gs://name); STORAGE_EMULATOR_HOST and"
              + " GOOGLE_CLOUD_PROJECT are honoured, else Application Default Credentials")
  String bucket;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "a local folder acting as the bucket (DIR/scenes/SCENE_ID/...)")
  String dir;

  @Option(
      names = "--json",
      description =
          "print one JSON object on stdout: scene_id, target, ok, verdict, criteria [{stage,"
              + " criterion, status, object, detail}], failed, error")
  boolean json;

  /** The bucket or folder, as the JSON answer names it. */
  private String target;

  @Override
  protected ObjectNode jsonFailure(CliException e) {
    return toJson(
        sceneId, target != null ? target : bucket != null ? bucket : dir, null, e.toJson());
  }

  @Override
  protected int run() throws Exception {
    Console console = console();
    {
      SceneTarget.sceneId(sceneId);
      QualityThresholds thresholds;
      try {
        thresholds = QualityThresholds.fromEnv(console.env());
      } catch (IllegalArgumentException e) {
        throw CliException.usage(e.getMessage());
      }
      ObjectStore store = SceneTarget.store(bucket, dir, console);
      target = bucket != null ? "gs://" + store.bucket() : store.bucket();
      CheckReport report;
      try {
        report =
            new RunbookCheck(
                    new QualityGates(store, thresholds),
                    new Verifier(store, Verifier.defaultThreads(), new SimpleMeterRegistry()))
                .run(sceneId);
      } catch (RunbookCheck.SceneNotFoundException e) {
        throw new CliException(ExitCodes.BAD_INPUT, "SCENE_NOT_FOUND", e.getMessage());
      } catch (IOException e) {
        CliException storage = StorageErrors.classify(e, console.env());
        throw storage != null
            ? storage
            : new CliException(ExitCodes.BAD_INPUT, StorageErrors.KIND, Main.describe(e));
      }
      if (json) {
        console.out().println(toJson(sceneId, target, report, null));
      } else {
        printTable(console.out(), target, report);
      }
      if (!report.passed()) {
        CheckCriterion first = report.failed().get(0);
        console
            .err()
            .println(
                "scenegate check: FAIL "
                    + sceneId
                    + ": "
                    + report.failed().size()
                    + " of "
                    + report.criteria().size()
                    + " criteria failed (first: "
                    + first.stage()
                    + " "
                    + first.criterion()
                    + ")");
        return ExitCodes.FAILED;
      }
      return ExitCodes.OK;
    }
  }

  static ObjectNode toJson(String sceneId, String target, CheckReport report, ObjectNode error) {
    ObjectNode root = JSON.createObjectNode();
    root.put("scene_id", sceneId);
    root.put("target", target);
    root.put("ok", report != null && report.passed());
    root.put("verdict", report == null ? null : report.passed() ? "PASS" : "FAIL");
    ArrayNode criteria = root.putArray("criteria");
    if (report != null) {
      for (CheckCriterion c : report.criteria()) {
        ObjectNode row = criteria.addObject();
        row.put("stage", c.stage());
        row.put("criterion", c.criterion());
        row.put("status", c.status().name());
        row.put("object", c.object());
        row.put("detail", c.detail());
      }
    }
    root.put("failed", report == null ? 0 : report.failed().size());
    root.set("error", error);
    return root;
  }

  static void printTable(PrintStream out, String target, CheckReport report) {
    List<CheckCriterion> rows = report.criteria();
    int criterionWidth = "CRITERION".length();
    for (CheckCriterion c : rows) {
      criterionWidth = Math.max(criterionWidth, c.criterion().length());
    }
    String format = "%-6s  %-16s  %-" + criterionWidth + "s  %s%n";
    out.printf("scene %s in %s (%s)%n%n", report.sceneId(), target, report.scenePrefix());
    out.printf(format, "STATUS", "STAGE", "CRITERION", "FILE");
    for (CheckCriterion c : rows) {
      out.printf(
          format, c.status(), c.stage(), c.criterion(), relative(report.scenePrefix(), c.object()));
      if (!c.detail().isEmpty()) {
        out.printf("%-6s  %-16s  -> %s%n", "", "", Main.oneLine(c.detail()));
      }
    }
    out.println();
    if (report.passed()) {
      long skipped = count(rows, true);
      out.printf(
          "PASS  %s: %d criteria passed%s%n",
          report.sceneId(), rows.size() - skipped, skipped == 0 ? "" : ", " + skipped + " skipped");
    } else {
      out.printf(
          "FAIL  %s: %d of %d criteria failed%n",
          report.sceneId(), report.failed().size(), rows.size());
    }
  }

  private static long count(List<CheckCriterion> rows, boolean skipped) {
    return rows.stream().filter(c -> (c.status() == CheckCriterion.Status.SKIP) == skipped).count();
  }

  private static String relative(String prefix, String object) {
    if (object == null) {
      return "-";
    }
    return object.startsWith(prefix) ? object.substring(prefix.length()) : object;
  }
}
