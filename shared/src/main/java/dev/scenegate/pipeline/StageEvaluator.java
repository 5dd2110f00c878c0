package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.quality.GateResult;
import dev.scenegate.quality.QualityGates;
import dev.scenegate.scene.SceneConfig;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.verify.FileFailure;
import dev.scenegate.verify.HashingPool;
import dev.scenegate.verify.ManifestMissingException;
import dev.scenegate.verify.ManifestSupersededException;
import dev.scenegate.verify.OversizedFile;
import dev.scenegate.verify.VerificationReport;
import dev.scenegate.verify.Verifier;
import dev.scenegate.verify.VerifyBudget;
import dev.scenegate.verify.VerifyBudgetExhaustedException;
import dev.scenegate.verify.VerifyBudgetTooSmallException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The I/O half of the state machine: evaluates what one marker vouches for (DESIGN: Objects in the
 * bucket) and reads the scene's config. Bad input (missing or invalid manifest, failing or
 * unreadable report) is a failed {@link Evaluation}; only storage faults are thrown, as {@link
 * IOException}, so the platform retries.
 */
final class StageEvaluator {
  /** The failure kind (alerts, details) of a file too large for any one verification budget. */
  static final String TOO_LARGE_FOR_BUDGET = "TOO_LARGE_FOR_BUDGET";

  private final ObjectStore store;
  private final QualityGates gates;
  private final int threads;
  private final PipelineMetrics metrics;
  private final VerifyBudget budget;
  private final DigestLedger ledger;

  /**
   * @param budget of the whole delivery: every verification it runs stops at its end
   * @param ledger the digest ledger of the data bucket: what another stage (or the backfill, or an
   *     earlier delivery cut off by its budget) hashed is reused, what is hashed is recorded
   */
  StageEvaluator(
      ObjectStore store,
      QualityGates gates,
      int threads,
      PipelineMetrics metrics,
      VerifyBudget budget,
      DigestLedger ledger) {
    this.store = store;
    this.gates = gates;
    this.threads = threads;
    this.metrics = metrics;
    this.budget = budget;
    this.ledger = ledger;
  }

  /**
   * @throws ManifestSupersededException when the manifest is the marker itself and the generation
   *     the marker names is gone: the delivery decides nothing
   * @throws VerifyBudgetExhaustedException when the budget ran out first (transient: what was
   *     hashed is recorded, a redelivery continues)
   */
  public Evaluation evaluate(String sceneId, Stage stage, MarkerRef marker)
      throws IOException, ManifestSupersededException {
    long start = System.nanoTime();
    Evaluation result =
        switch (stage.check().kind()) {
          case CHECKSUMS -> verify(marker, Stage.scenePrefix(sceneId) + stage.check().manifest());
          case GATE -> gate(marker, gates.evaluate(stage.check().gate(), sceneId));
          case NOTHING -> Evaluation.pass(marker, Evaluation.Kind.NONE, null, null);
        };
    metrics.evaluated(stage.wireName(), result.passed(), System.nanoTime() - start);
    return result;
  }

  private Evaluation verify(MarkerRef marker, String manifestObject)
      throws IOException, ManifestSupersededException {
    // One bounded pool per process: concurrent requests share its threads and buffers.
    Verifier verifier =
        new Verifier(store, HashingPool.shared(threads), metrics.registry())
            .withBudget(budget)
            .withLedger(ledger);
    VerificationReport report;
    try {
      // DESIGN (pinned reads): a manifest that is its own marker (source_image) is read at the
      // generation its event names; another at the generation stat'ed now.
      report =
          manifestObject.equals(marker.object())
              ? verifier.verifyAt(manifestObject, marker.generation(), false)
              : verifier.verify(manifestObject, false);
    } catch (ManifestMissingException e) {
      return poison(marker, manifestObject, "MANIFEST_MISSING", e.getMessage());
    } catch (ManifestInvalidException e) {
      return poison(marker, manifestObject, "MANIFEST_INVALID", e.getMessage());
    } catch (VerifyBudgetTooSmallException e) {
      return tooLarge(marker, manifestObject, e);
    }
    ObjectNode details = EventJson.MAPPER.createObjectNode();
    details.put("files_checked", report.filesChecked());
    details.put("bytes_hashed", report.bytesHashed());
    details.put("bytes_reused", report.bytesReused());
    details.put("duration_ms", report.durationMs());
    details.put("failures_total", report.failures().size());
    details.put("manifest_generation", Long.toString(report.manifestGeneration()));
    if (report.ok()) {
      return Evaluation.pass(marker, Evaluation.Kind.CHECKSUM, manifestObject, details);
    }
    List<ChecksumAlert.Failure> failures = new ArrayList<>();
    for (FileFailure f : report.failures()) {
      if (failures.size() == Evaluation.MAX_FAILURES) {
        break;
      }
      failures.add(ChecksumAlert.Failure.of(f));
    }
    String reason =
        report.failures().size()
            + " of "
            + report.filesChecked()
            + " files failed verification (first: "
            + report.failures().get(0).path()
            + " "
            + report.failures().get(0).kind()
            + ")";
    return Evaluation.fail(
        marker,
        Evaluation.Kind.CHECKSUM,
        reason,
        manifestObject,
        details,
        failures,
        report.failures().size());
  }

  /**
   * A file no budget can hash: the stage fails with each such file named (a failure of kind {@value
   * #TOO_LARGE_FOR_BUDGET}), instead of a redelivery that would be cut off again.
   */
  private static Evaluation tooLarge(
      MarkerRef marker, String manifestObject, VerifyBudgetTooSmallException e) {
    ObjectNode details = EventJson.MAPPER.createObjectNode();
    details.put("error", TOO_LARGE_FOR_BUDGET);
    details.put("verify_budget", e.budget().toString());
    details.set("too_large", EventJson.MAPPER.valueToTree(e.files()));
    List<ChecksumAlert.Failure> failures = new ArrayList<>();
    for (OversizedFile f : e.files()) {
      if (failures.size() == Evaluation.MAX_FAILURES) {
        break;
      }
      failures.add(
          new ChecksumAlert.Failure(
              f.path(), TOO_LARGE_FOR_BUDGET, null, null, f.sizeBytes(), f.sizeBytes()));
    }
    return Evaluation.fail(
        marker,
        Evaluation.Kind.CHECKSUM,
        TOO_LARGE_FOR_BUDGET + ": " + e.getMessage(),
        manifestObject,
        details,
        failures,
        e.files().size());
  }

  private static Evaluation poison(
      MarkerRef marker, String manifestObject, String kind, String message) {
    ObjectNode details = EventJson.MAPPER.createObjectNode();
    details.put("error", kind);
    return Evaluation.fail(
        marker,
        Evaluation.Kind.CHECKSUM,
        kind + ": " + message,
        manifestObject,
        details,
        List.of(),
        0);
  }

  private static Evaluation gate(MarkerRef marker, GateResult result) {
    ObjectNode details = EventJson.MAPPER.valueToTree(result.measures());
    if (!result.passed()) {
      ArrayNode failures = details.putArray("failures");
      result.failureLines().forEach(failures::add);
      return Evaluation.fail(
          marker,
          Evaluation.Kind.GATE,
          result.reason(),
          result.reportObject(),
          details,
          List.of(),
          result.failures().size());
    }
    return Evaluation.pass(marker, Evaluation.Kind.GATE, result.reportObject(), details);
  }

  /** The scene's config; see {@link SceneConfig#read}. */
  public SceneConfig readConfig(String sceneId, SceneConfig known) throws IOException {
    return SceneConfig.read(store, sceneId, known).config();
  }
}
