package dev.scenegate.quality;

import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.scene.SceneConfig;
import dev.scenegate.scene.Stage;
import dev.scenegate.verify.FileFailure;
import dev.scenegate.verify.ManifestMissingException;
import dev.scenegate.verify.VerificationReport;
import dev.scenegate.verify.Verifier;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates every pass/fail criterion of the production runbook (seed 002) for one scene, on
 * demand: each stage's markers are present, the checksum manifests verify, the episode quality gate
 * preflight, the Genie Sim export and import gates, and no mock-fallback indicators. The checks are
 * the ones the marker function runs ({@link QualityGates}, {@link Verifier}); this class only lays
 * their verdicts out as criteria.
 *
 * <p>A stage whose marker is missing fails on the marker; its other criteria are {@code SKIP}
 * (nothing to vouch for yet). With {@code "use_geniesim": false} in {@code config.json} the two
 * Genie Sim stages are {@code SKIP}.
 */
public final class RunbookCheck {
  private static final int MAX_FILE_ROWS = 10;

  private final QualityGates gates;
  private final Verifier verifier;
  private final ReportReader reader;

  public RunbookCheck(QualityGates gates, Verifier verifier) {
    this.gates = gates;
    this.verifier = verifier;
    this.reader = new ReportReader(gates.store());
  }

  /** Thrown when nothing at all is stored under {@code scenes/<scene_id>/}. */
  public static final class SceneNotFoundException extends Exception {
    public SceneNotFoundException(String message) {
      super(message);
    }
  }

  /**
   * @throws IllegalArgumentException for a scene_id outside the DESIGN pattern
   * @throws SceneNotFoundException when the scene folder holds no objects
   * @throws IOException on a storage fault
   */
  public CheckReport run(String sceneId) throws IOException, SceneNotFoundException {
    String prefix = QualityGates.scenePrefix(sceneId);
    if (gates.store().list(prefix).isEmpty()) {
      throw new SceneNotFoundException(
          "no scene folder " + prefix + " in " + gates.store().bucket());
    }
    List<CheckCriterion> rows = new ArrayList<>();
    SceneConfig config = config(sceneId, rows);

    Map<Stage, Boolean> ready = new EnumMap<>(Stage.class);
    for (Stage stage : Stage.values()) {
      String name = stage.wireName();
      boolean skipped = stage.skippedBy(config);
      boolean all = true;
      for (String marker : stage.markers()) {
        String object = prefix + marker;
        String criterion = "marker " + baseName(marker) + " present";
        if (skipped) {
          rows.add(CheckCriterion.skip(name, criterion, object, skipReason()));
          continue;
        }
        boolean present = reader.exists(object);
        all &= present;
        rows.add(
            present
                ? CheckCriterion.pass(name, criterion, object, "")
                : CheckCriterion.fail(
                    name, criterion, object, "missing: the stage has not completed"));
      }
      // A stage's own checks run once its markers are all there (and it is not skipped).
      ready.put(stage, all && !skipped);
      Stage.Check check = stage.check();
      switch (check.kind()) {
        case CHECKSUMS -> {
          // A manifest several stages vouch for is verified once, after the last of them.
          List<Stage> sharing = sharing(check.manifest());
          if (stage == sharing.get(sharing.size() - 1)) {
            checksums(
                rows,
                sharing.get(0).wireName(),
                check.label() + " checksums verify",
                prefix + check.manifest(),
                sharing.stream().anyMatch(ready::get),
                sharing.size() == 1 ? "marker missing" : "no " + names(sharing) + " marker");
          }
        }
        case GATE ->
            ownChecks(
                rows,
                ready.get(stage),
                () -> gateRows(rows, prefix, check.gate(), gates.evaluate(check.gate(), sceneId)),
                notEvaluated(name, check.gate().title(), prefix + check.gate().report(), skipped));
        case NOTHING -> {}
      }
    }
    return new CheckReport(sceneId, prefix, rows);
  }

  private void gateRows(
      List<CheckCriterion> rows, String prefix, Stage.Gate gate, GateResult result) {
    switch (gate) {
      case GENIESIM_EXPORT -> exportRows(rows, prefix, result);
      case EPISODES -> episodeRows(rows, prefix, result);
      case GENIESIM_IMPORT -> importRows(rows, prefix, result);
    }
  }

  /** The stages whose check is {@code manifest}, in order. */
  private static List<Stage> sharing(String manifest) {
    return Arrays.stream(Stage.values())
        .filter(s -> manifest.equals(s.check().manifest()))
        .toList();
  }

  /** "a, b or c". */
  private static String names(List<Stage> stages) {
    List<String> names = stages.stream().map(Stage::wireName).toList();
    return String.join(", ", names.subList(0, names.size() - 1))
        + " or "
        + names.get(names.size() - 1);
  }

  /** Adds rows for a stage's own checks. */
  private interface Rows {
    void add() throws IOException;
  }

  /** A stage's own checks when it is {@code ready}; otherwise the one row saying they were not. */
  private static void ownChecks(
      List<CheckCriterion> rows, boolean ready, Rows evaluate, CheckCriterion notEvaluated)
      throws IOException {
    if (ready) {
      evaluate.add();
    } else {
      rows.add(notEvaluated);
    }
  }

  private static String skipReason() {
    return "skipped: config.json has use_geniesim false";
  }

  private static CheckCriterion notEvaluated(
      String stage, String criterion, String object, boolean skipped) {
    return CheckCriterion.skip(
        stage,
        criterion,
        object,
        skipped ? skipReason() : "not evaluated: the stage's marker is missing");
  }

  /** Reads config.json (optional) with the marker function's parse; adds its row when present. */
  private SceneConfig config(String sceneId, List<CheckCriterion> rows) throws IOException {
    SceneConfig.Reading reading = SceneConfig.read(gates.store(), sceneId, null);
    SceneConfig config = reading.config();
    if (config.present()) {
      String criterion = "config.json readable";
      rows.add(
          config.valid()
              ? CheckCriterion.pass("scene", criterion, config.object(), reading.detail())
              : CheckCriterion.fail("scene", criterion, config.object(), reading.detail()));
    }
    return config;
  }

  private void checksums(
      List<CheckCriterion> rows,
      String stage,
      String criterion,
      String manifest,
      boolean run,
      String whyNot)
      throws IOException {
    if (!run) {
      rows.add(CheckCriterion.skip(stage, criterion, manifest, "not evaluated: " + whyNot));
      return;
    }
    VerificationReport report;
    try {
      report = verifier.verify(manifest, false);
    } catch (ManifestMissingException e) {
      rows.add(CheckCriterion.fail(stage, criterion, manifest, "manifest missing"));
      return;
    } catch (ManifestInvalidException e) {
      rows.add(
          CheckCriterion.fail(
              stage, criterion, manifest, "manifest invalid: " + Json.clip(e.getMessage(), 200)));
      return;
    }
    if (report.ok()) {
      rows.add(
          CheckCriterion.pass(
              stage,
              criterion,
              manifest,
              report.filesChecked()
                  + (report.filesChecked() == 1 ? " file, " : " files, ")
                  + report.bytesHashed()
                  + " bytes hashed"));
      return;
    }
    String folder = parentOf(manifest);
    List<FileFailure> failures = report.failures();
    for (int i = 0; i < failures.size() && i < MAX_FILE_ROWS; i++) {
      FileFailure f = failures.get(i);
      rows.add(
          CheckCriterion.fail(
              stage,
              criterion,
              folder + f.path(),
              f.kind() + " against " + baseName(manifest) + describe(f)));
    }
    if (failures.size() > MAX_FILE_ROWS) {
      rows.add(
          CheckCriterion.fail(
              stage,
              criterion,
              manifest,
              "and "
                  + (failures.size() - MAX_FILE_ROWS)
                  + " more of "
                  + report.filesChecked()
                  + " files failed"));
    }
  }

  private static String describe(FileFailure f) {
    return switch (f.kind()) {
      case SIZE_MISMATCH -> ": expected " + f.expectedSize() + " bytes, found " + f.actualSize();
      case SHA256_MISMATCH ->
          ": expected sha256 " + f.expectedSha256() + ", found " + f.actualSha256();
      default -> "";
    };
  }

  private static final String MOCK = "no mock fallback indicators";

  private void episodeRows(List<CheckCriterion> rows, String prefix, GateResult result) {
    String stage = Stage.EPISODES.wireName();
    String validation = prefix + QualityGates.VALIDATION_REPORT;
    String gateReport = prefix + QualityGates.GATE_REPORT;
    boolean certificates = "quality_certificates".equals(result.details().get("gate_source"));
    String gateCriterion =
        certificates ? "quality certificates accepted (legacy fallback)" : "quality gate report";
    String gateObject =
        certificates ? prefix + "episodes/**/" + QualityGates.CERTIFICATE_NAME : gateReport;
    String thresholds = "validation report thresholds";
    List<CheckCriterion> failed = new ArrayList<>();
    boolean validationFailed = false;
    boolean gateFailed = false;
    boolean mockFailed = false;
    for (String failure : result.failures()) {
      Failure f = Failure.parse(failure, prefix);
      if (f.mock()) {
        mockFailed = true;
        failed.add(CheckCriterion.fail(stage, MOCK, f.object(), f.message()));
      } else if (f.object().equals(validation)) {
        validationFailed = true;
        failed.add(CheckCriterion.fail(stage, thresholds, f.object(), f.message()));
      } else {
        gateFailed = true;
        failed.add(CheckCriterion.fail(stage, gateCriterion, f.object(), f.message()));
      }
    }
    Map<String, Object> d = result.details();
    QualityThresholds t = gates.thresholds();
    if (!validationFailed) {
      rows.add(
          CheckCriterion.pass(
              stage,
              thresholds,
              validation,
              "pass_rate "
                  + num(d.get("pass_rate"))
                  + " >= "
                  + Json.fmt(t.minPassRate())
                  + ", average_score "
                  + num(d.get("average_score"))
                  + " >= "
                  + Json.fmt(t.minAverageScore())
                  + ", physx_used true, non_physx_episode_count 0"));
    }
    if (!gateFailed) {
      rows.add(
          CheckCriterion.pass(
              stage,
              gateCriterion,
              gateObject,
              certificates
                  ? d.get("certificates_checked") + " certificates accepted"
                  : "can_proceed true, blocking_failures 0"));
    }
    if (!mockFailed) {
      rows.add(CheckCriterion.pass(stage, MOCK, validation, "none found in the episode reports"));
    }
    rows.addAll(failed);
  }

  private void importRows(List<CheckCriterion> rows, String prefix, GateResult result) {
    String stage = Stage.GENIESIM_IMPORT.wireName();
    String manifest = prefix + QualityGates.IMPORT_MANIFEST;
    String criterion = "import manifest checks";
    List<CheckCriterion> failed = new ArrayList<>();
    boolean checksFailed = false;
    boolean mockFailed = false;
    for (String failure : result.failures()) {
      Failure f = Failure.parse(failure, prefix);
      if (f.mock()) {
        mockFailed = true;
        failed.add(CheckCriterion.fail(stage, MOCK, f.object(), f.message()));
      } else {
        checksFailed = true;
        failed.add(CheckCriterion.fail(stage, criterion, f.object(), f.message()));
      }
    }
    Map<String, Object> d = result.details();
    if (!checksFailed) {
      String min = Json.fmt(gates.thresholds().minQualityScore());
      rows.add(
          CheckCriterion.pass(
              stage,
              criterion,
              manifest,
              "quality.average_score "
                  + num(d.get("average_score"))
                  + " >= "
                  + min
                  + ", quality.threshold == "
                  + min
                  + ", episodes.passed_validation "
                  + d.get("passed_validation")
                  + " > 0"));
    }
    if (!mockFailed) {
      rows.add(CheckCriterion.pass(stage, MOCK, manifest, "none found in the import manifest"));
    }
    rows.addAll(failed);
  }

  private void exportRows(List<CheckCriterion> rows, String prefix, GateResult result) {
    String stage = Stage.GENIESIM_EXPORT.wireName();
    String job = prefix + QualityGates.EXPORT_JOB;
    String manifest = prefix + QualityGates.EXPORT_MANIFEST;
    boolean jobFailed = false;
    boolean manifestFailed = false;
    List<CheckCriterion> failed = new ArrayList<>();
    for (String failure : result.failures()) {
      Failure f = Failure.parse(failure, prefix);
      if (f.object().equals(job)) {
        jobFailed = true;
        failed.add(CheckCriterion.fail(stage, "job.json exists", job, f.message()));
      } else {
        manifestFailed = true;
        failed.add(
            CheckCriterion.fail(stage, "export manifest has source_assets", manifest, f.message()));
      }
    }
    if (!jobFailed) {
      rows.add(CheckCriterion.pass(stage, "job.json exists", job, ""));
    }
    if (!manifestFailed) {
      rows.add(
          CheckCriterion.pass(
              stage,
              "export manifest has source_assets",
              manifest,
              result.details().get("source_assets_entries") + " source assets"));
    }
    rows.addAll(failed);
  }

  /**
   * A gate failure split back into the object and the criterion message; {@link QualityGates}
   * phrases every failure as {@code <file relative to the scene>: <message>}.
   */
  private record Failure(String object, String message, boolean mock) {
    static Failure parse(String failure, String prefix) {
      int colon = failure.indexOf(": ");
      String file = colon < 0 ? "" : failure.substring(0, colon);
      String message = colon < 0 ? failure : failure.substring(colon + 2);
      boolean mock =
          message.startsWith(MockIndicators.PREFIX) || message.endsWith(" more mock indicators");
      return new Failure(prefix + file, message, mock);
    }
  }

  private static String num(Object value) {
    return value instanceof Number n ? Json.fmt(n.doubleValue()) : String.valueOf(value);
  }

  private static String parentOf(String object) {
    int slash = object.lastIndexOf('/');
    return slash < 0 ? "" : object.substring(0, slash + 1);
  }

  private static String baseName(String path) {
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    int slash = trimmed.lastIndexOf('/');
    return slash < 0 ? trimmed : trimmed.substring(slash + 1);
  }
}
