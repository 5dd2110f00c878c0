package dev.scenegate.quality;

import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.quality.GateFailure.Criterion;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  /**
   * One row per criterion of the gate: a failed criterion gets a row per failure (after the passed
   * ones), a passed one a row with what was measured.
   */
  private void gateRows(
      List<CheckCriterion> rows, String prefix, Stage.Gate gate, GateResult result) {
    String stage = stageOf(gate).wireName();
    List<CheckCriterion> failed = new ArrayList<>();
    Set<Criterion> failing = EnumSet.noneOf(Criterion.class);
    for (GateFailure f : result.failures()) {
      failing.add(f.criterion());
      failed.add(CheckCriterion.fail(stage, f.criterion().title(), f.object(), f.message()));
    }
    for (Passed pass : passes(prefix, gate, result.measures())) {
      if (!failing.contains(pass.criterion())) {
        rows.add(
            CheckCriterion.pass(stage, pass.criterion().title(), pass.object(), pass.detail()));
      }
    }
    rows.addAll(failed);
  }

  /** What a passed criterion says: the object behind it and the measured values. */
  private record Passed(Criterion criterion, String object, String detail) {}

  private List<Passed> passes(String prefix, Stage.Gate gate, GateMeasures measures) {
    QualityThresholds t = gates.thresholds();
    if (measures instanceof GateMeasures.Episodes d) {
      {
        String validation = prefix + QualityGates.VALIDATION_REPORT;
        return List.of(
            new Passed(
                Criterion.VALIDATION_THRESHOLDS,
                validation,
                "pass_rate "
                    + num(d.passRate())
                    + " >= "
                    + Json.fmt(t.minPassRate())
                    + ", average_score "
                    + num(d.averageScore())
                    + " >= "
                    + Json.fmt(t.minAverageScore())
                    + ", physx_used true, non_physx_episode_count 0"),
            d.fromCertificates()
                ? new Passed(
                    Criterion.QUALITY_CERTIFICATES,
                    prefix + "episodes/**/" + QualityGates.CERTIFICATE_NAME,
                    d.certificatesChecked() + " certificates accepted")
                : new Passed(
                    Criterion.GATE_REPORT,
                    prefix + QualityGates.GATE_REPORT,
                    "can_proceed true, blocking_failures 0"),
            new Passed(Criterion.NO_MOCK, validation, "none found in the episode reports"));
      }
    }
    if (measures instanceof GateMeasures.Import d) {
      {
        String manifest = prefix + QualityGates.IMPORT_MANIFEST;
        String min = Json.fmt(t.minQualityScore());
        return List.of(
            new Passed(
                Criterion.IMPORT_CHECKS,
                manifest,
                "quality.average_score "
                    + num(d.averageScore())
                    + " >= "
                    + min
                    + ", quality.threshold == "
                    + min
                    + ", episodes.passed_validation "
                    + d.passedValidation()
                    + " > 0"),
            new Passed(Criterion.NO_MOCK, manifest, "none found in the import manifest"));
      }
    }
    GateMeasures.Export d = (GateMeasures.Export) measures;
    return List.of(
        new Passed(Criterion.EXPORT_JOB, prefix + QualityGates.EXPORT_JOB, ""),
        new Passed(
            Criterion.EXPORT_SOURCE_ASSETS,
            prefix + QualityGates.EXPORT_MANIFEST,
            d.sourceAssetsEntries() + " source assets"));
  }

  private static Stage stageOf(Stage.Gate gate) {
    for (Stage stage : Stage.values()) {
      if (stage.check().gate() == gate) {
        return stage;
      }
    }
    throw new IllegalArgumentException("no stage runs " + gate);
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
