package dev.scenegate.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.quality.GateFailure.Criterion;
import dev.scenegate.scene.SceneIds;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The runbook's gates (seed 002), evaluated against the reports in the bucket. Each method reads
 * only the small JSON reports it needs (size-capped); an unreadable or malformed report is a failed
 * gate naming the file, while a storage fault is an {@link IOException} (transient).
 *
 * <p>Every criterion is evaluated, so a failed result lists everything wrong at once. {@link
 * GateResult#reportObject()} is the report the verdict rests on: the file of the first failure, or
 * the gate's main report when it passes. Failure messages name the file relative to the scene
 * folder, e.g. {@code episodes/quality/validation_report.json: summary.pass_rate 0.82 < 0.90}.
 */
public final class QualityGates {
  public static final String VALIDATION_REPORT = Stage.Gate.EPISODES.report();
  public static final String GATE_REPORT = "episode-generation-job/quality_gate_report.json";
  public static final String CERTIFICATE_NAME = "quality_certificate.json";
  public static final String IMPORT_MANIFEST = Stage.Gate.GENIESIM_IMPORT.report();
  public static final String EXPORT_JOB = "geniesim/job.json";
  public static final String EXPORT_MANIFEST = Stage.Gate.GENIESIM_EXPORT.report();

  // What each gate reads from its report. The validation report's PhysX fields are criteria
  // already; reporting them again as mock indicators would only repeat them.
  private static final ReportReader.Spec VALIDATION_SPEC =
      ReportReader.Spec.of(
              "summary.pass_rate",
              "summary.average_score",
              "physics_validation.physx_used",
              "physics_validation.non_physx_episode_count")
          .withoutIndicatorsAt(
              Set.of(
                  "physics_validation.physx_used", "physics_validation.non_physx_episode_count"));
  private static final ReportReader.Spec GATE_SPEC =
      ReportReader.Spec.of("summary.can_proceed", "summary.blocking_failures").withFailedResults();
  private static final ReportReader.Spec CERTIFICATE_SPEC =
      ReportReader.Spec.of("validation_passed", "recommended_use");
  private static final ReportReader.Spec IMPORT_SPEC =
      ReportReader.Spec.of(
          "quality.average_score", "quality.threshold", "episodes.passed_validation");
  private static final ReportReader.Spec EXPORT_SPEC = ReportReader.Spec.of("source_assets");

  /** Failing certificates spelled out: enough to act on, not a flood. */
  private static final int MAX_LISTED = ReportReader.MAX_FINDINGS;

  private final ObjectStore store;
  private final QualityThresholds thresholds;
  private final ReportReader reader;

  public QualityGates(ObjectStore store, QualityThresholds thresholds) {
    this.store = store;
    this.thresholds = thresholds;
    this.reader = new ReportReader(store);
  }

  public QualityThresholds thresholds() {
    return thresholds;
  }

  /** The verdict of {@code gate} for one scene; which stage runs which gate is {@link Stage}'s. */
  public GateResult evaluate(Stage.Gate gate, String sceneId) throws IOException {
    return switch (gate) {
      case GENIESIM_EXPORT -> geniesimExport(sceneId);
      case EPISODES -> episodes(sceneId);
      case GENIESIM_IMPORT -> geniesimImport(sceneId);
    };
  }

  /**
   * {@code episodes}: the quality gate preflight. {@code episodes/quality/validation_report.json}
   * (pass rate, average score, PhysX used, no non-PhysX episodes) and {@code
   * episode-generation-job/quality_gate_report.json} (can_proceed, no blocking failures), falling
   * back to every {@code episodes/**}{@code /quality_certificate.json} when there is no gate
   * report; any mock indicator fails.
   */
  public GateResult episodes(String sceneId) throws IOException {
    String prefix = scenePrefix(sceneId);
    GateFindings findings = new GateFindings(prefix, Criterion.VALIDATION_THRESHOLDS);

    String validationObject = prefix + VALIDATION_REPORT;
    ReportReader.Loaded validationReport = reader.read(validationObject, VALIDATION_SPEC);
    ObjectNode validation =
        findings.usable(
            validationReport, "summary.pass_rate, summary.average_score, physics_validation");
    Double passRate = null;
    Double averageScore = null;
    Boolean physxUsed = null;
    Long nonPhysx = null;
    if (validation != null) {
      passRate =
          findings.atLeast(
              validationObject, validation, "summary.pass_rate", thresholds.minPassRate());
      averageScore =
          findings.atLeast(
              validationObject, validation, "summary.average_score", thresholds.minAverageScore());
      physxUsed = findings.isTrue(validationObject, validation, "physics_validation.physx_used");
      nonPhysx =
          findings.isZero(
              validationObject, validation, "physics_validation.non_physx_episode_count");
    }
    int indicators = mockIndicators(findings, validationReport);

    String gateObject = prefix + GATE_REPORT;
    ReportReader.Loaded gate = reader.read(gateObject, GATE_SPEC);
    GateMeasures.Episodes measures;
    if (gate.missing()) {
      findings.checking(Criterion.QUALITY_CERTIFICATES);
      Certificates certificates = certificates(findings, prefix, gateObject);
      indicators += certificates.indicators();
      measures =
          new GateMeasures.Episodes(
              passRate,
              averageScore,
              physxUsed,
              nonPhysx,
              GateMeasures.Episodes.CERTIFICATES,
              certificates.checked(),
              certificates.failed(),
              null,
              null,
              null,
              indicators);
    } else {
      findings.checking(Criterion.GATE_REPORT);
      ObjectNode root = findings.usable(gate, "summary.can_proceed, summary.blocking_failures");
      Boolean canProceed = null;
      Long blocking = null;
      List<String> failedGates = null;
      if (root != null) {
        int before = findings.failureCount();
        canProceed = findings.isTrue(gateObject, root, "summary.can_proceed");
        blocking = findings.isZero(gateObject, root, "summary.blocking_failures");
        if (findings.failureCount() > before && !gate.failedResults().isEmpty()) {
          failedGates = gate.failedResults();
        }
      }
      indicators += mockIndicators(findings, gate);
      measures =
          new GateMeasures.Episodes(
              passRate,
              averageScore,
              physxUsed,
              nonPhysx,
              GateMeasures.Episodes.GATE_REPORT,
              null,
              null,
              canProceed,
              blocking,
              failedGates,
              indicators);
    }
    return findings.result(validationObject, measures);
  }

  /**
   * {@code geniesim_import}: {@code episodes/import_manifest.json} has quality.average_score &gt;=
   * MIN_QUALITY_SCORE, quality.threshold == MIN_QUALITY_SCORE, episodes.passed_validation &gt; 0.
   */
  public GateResult geniesimImport(String sceneId) throws IOException {
    String prefix = scenePrefix(sceneId);
    GateFindings findings = new GateFindings(prefix, Criterion.IMPORT_CHECKS);
    String object = prefix + IMPORT_MANIFEST;
    ReportReader.Loaded manifest = reader.read(object, IMPORT_SPEC);
    ObjectNode root =
        findings.usable(
            manifest, "quality.average_score, quality.threshold, episodes.passed_validation");
    double min = thresholds.minQualityScore();
    Double average = null;
    Double threshold = null;
    Long passed = null;
    if (root != null) {
      average = findings.atLeast(object, root, "quality.average_score", min);
      threshold =
          findings.equalsThreshold(object, root, "quality.threshold", min, "MIN_QUALITY_SCORE");
      passed = findings.positive(object, root, "episodes.passed_validation");
    }
    int indicators = mockIndicators(findings, manifest);
    return findings.result(
        object, new GateMeasures.Import(average, threshold, passed, min, indicators));
  }

  /**
   * {@code geniesim_export}: {@code geniesim/job.json} exists and {@code
   * geniesim/export_manifest.json} carries a {@code source_assets} section.
   */
  public GateResult geniesimExport(String sceneId) throws IOException {
    String prefix = scenePrefix(sceneId);
    GateFindings findings = new GateFindings(prefix, Criterion.EXPORT_JOB);
    String job = prefix + EXPORT_JOB;
    boolean jobExists = reader.exists(job);
    if (!jobExists) {
      findings.fail(job, "missing (the Genie Sim job was not recorded)");
    }
    findings.checking(Criterion.EXPORT_SOURCE_ASSETS);
    String manifest = prefix + EXPORT_MANIFEST;
    ReportReader.Loaded loaded = reader.read(manifest, EXPORT_SPEC);
    ObjectNode root = findings.usable(loaded, "source_assets");
    Integer entries = null;
    if (root != null) {
      JsonNode sourceAssets = root.get("source_assets");
      if (sourceAssets == null || sourceAssets.isNull()) {
        findings.fail(manifest, "source_assets section is missing");
      } else if (!sourceAssets.isObject()) {
        findings.fail(
            manifest, "source_assets is " + Json.typeName(sourceAssets) + ", not an object");
      } else if (loaded.sizes().getOrDefault("source_assets", 0) == 0) {
        findings.fail(manifest, "source_assets section is empty");
      } else {
        entries = loaded.sizes().get("source_assets");
      }
    }
    return findings.result(manifest, new GateMeasures.Export(jobExists, entries));
  }

  /**
   * The scene's folder prefix, {@code scenes/<scene_id>/}. A scene_id outside {@link
   * SceneIds#PATTERN} is a caller error ({@link IllegalArgumentException}): callers validate ids
   * from object names.
   */
  static String scenePrefix(String sceneId) {
    if (!SceneIds.isValid(sceneId)) {
      throw new IllegalArgumentException(
          "invalid scene_id '"
              + (sceneId == null ? "null" : Json.clip(sceneId, 60))
              + "' (expected "
              + SceneIds.PATTERN.pattern()
              + ")");
    }
    return SceneIds.folder(sceneId);
  }

  ObjectStore store() {
    return store;
  }

  /** What the legacy fallback found: certificates checked and failed, mock indicators. */
  private record Certificates(int checked, Integer failed, int indicators) {}

  /** Legacy fallback: every per-episode certificate must pass. */
  private Certificates certificates(GateFindings findings, String prefix, String gateObject)
      throws IOException {
    List<String> names = new ArrayList<>();
    for (ObjectInfo info : store.list(prefix + "episodes/")) {
      String name = info.name();
      if (name.endsWith("/" + CERTIFICATE_NAME)) {
        names.add(name);
      }
    }
    if (names.isEmpty()) {
      findings.fail(
          gateObject,
          "missing, and no episodes/**/"
              + CERTIFICATE_NAME
              + " to fall back to (needed for summary.can_proceed, summary.blocking_failures)");
      return new Certificates(0, null, 0);
    }
    Set<String> accepted = new TreeSet<>(thresholds.acceptedUses());
    int failedCertificates = 0;
    int indicators = 0;
    // Certificates can be many; each failing one counts, the first MAX_LISTED are spelled out.
    for (String name : names) {
      GateFindings one = new GateFindings(prefix, Criterion.QUALITY_CERTIFICATES);
      ReportReader.Loaded certificate = reader.read(name, CERTIFICATE_SPEC);
      ObjectNode root = one.usable(certificate, "validation_passed, recommended_use");
      if (root != null) {
        one.isTrue(name, root, "validation_passed");
        JsonNode use = one.at(name, root, "recommended_use", "needs one of " + accepted);
        if (use != null) {
          if (!use.isTextual()) {
            one.fail(name, "recommended_use is " + Json.typeName(use) + ", not one of " + accepted);
          } else if (!accepted.contains(use.textValue().trim().toLowerCase(Locale.ROOT))) {
            one.fail(
                name, "recommended_use is " + Json.show(use) + " (accepted: " + accepted + ")");
          }
        }
      }
      indicators += mockIndicators(one, certificate);
      if (one.failed()) {
        failedCertificates++;
        if (failedCertificates <= MAX_LISTED) {
          findings.absorb(one);
        }
      }
    }
    if (failedCertificates > MAX_LISTED) {
      findings.fail(
          names.get(0),
          "and "
              + (failedCertificates - MAX_LISTED)
              + " more of "
              + names.size()
              + " quality certificates failed");
    }
    return new Certificates(names.size(), failedCertificates, indicators);
  }

  /** Adds a failure per mock indicator the report holds (a few spelled out); returns the count. */
  private static int mockIndicators(GateFindings findings, ReportReader.Loaded report) {
    if (!report.ok()) {
      return 0;
    }
    GateFailure.Criterion before = findings.criterion();
    findings.checking(Criterion.NO_MOCK);
    for (MockIndicators.Finding finding : report.findings()) {
      findings.fail(report.object(), finding.describe());
    }
    int more = report.findingCount() - report.findings().size();
    if (more > 0) {
      findings.fail(report.object(), "and " + more + " more mock indicators");
    }
    findings.checking(before);
    return report.findingCount();
  }
}
