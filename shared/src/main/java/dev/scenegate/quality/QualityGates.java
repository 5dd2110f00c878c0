package dev.scenegate.quality;

import dev.scenegate.storage.ObjectStore;
import java.io.IOException;

/**
 * The runbook's gates (seed 002), evaluated against the reports in the bucket. Each method reads
 * only the small JSON reports it needs (size-capped); an unreadable or malformed report is a failed
 * gate naming the file, while a storage fault is an {@link IOException} (transient).
 */
public final class QualityGates {
  private final ObjectStore store;
  private final QualityThresholds thresholds;

  public QualityGates(ObjectStore store, QualityThresholds thresholds) {
    this.store = store;
    this.thresholds = thresholds;
  }

  public QualityThresholds thresholds() {
    return thresholds;
  }

  /**
   * {@code episodes}: the quality gate preflight. {@code episodes/quality/validation_report.json}
   * (pass rate, average score, PhysX used, no non-PhysX episodes) and {@code
   * episode-generation-job/quality_gate_report.json} (can_proceed, no blocking failures), falling
   * back to every {@code episodes/**}{@code /quality_certificate.json} when there is no gate
   * report; any mock indicator fails.
   */
  public GateResult episodes(String sceneId) throws IOException {
    throw new UnsupportedOperationException("quality gates: not yet implemented");
  }

  /**
   * {@code geniesim_import}: {@code episodes/import_manifest.json} has quality.average_score &gt;=
   * MIN_QUALITY_SCORE, quality.threshold == MIN_QUALITY_SCORE, episodes.passed_validation &gt; 0.
   */
  public GateResult geniesimImport(String sceneId) throws IOException {
    throw new UnsupportedOperationException("quality gates: not yet implemented");
  }

  /**
   * {@code geniesim_export}: {@code geniesim/job.json} exists and {@code
   * geniesim/export_manifest.json} carries a {@code source_assets} section.
   */
  public GateResult geniesimExport(String sceneId) throws IOException {
    throw new UnsupportedOperationException("quality gates: not yet implemented");
  }

  /** The scene's folder prefix, {@code scenes/<scene_id>/}. */
  static String scenePrefix(String sceneId) {
    return "scenes/" + sceneId + "/";
  }

  ObjectStore store() {
    return store;
  }
}
