package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.quality.GateResult;
import dev.scenegate.quality.QualityGates;
import dev.scenegate.scene.SceneConfig;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.verify.FileFailure;
import dev.scenegate.verify.HashingPool;
import dev.scenegate.verify.ManifestMissingException;
import dev.scenegate.verify.VerificationReport;
import dev.scenegate.verify.Verifier;
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
  private final ObjectStore store;
  private final QualityGates gates;
  private final int threads;
  private final PipelineMetrics metrics;

  StageEvaluator(ObjectStore store, QualityGates gates, int threads, PipelineMetrics metrics) {
    this.store = store;
    this.gates = gates;
    this.threads = threads;
    this.metrics = metrics;
  }

  public Evaluation evaluate(String sceneId, Stage stage, MarkerRef marker) throws IOException {
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

  private Evaluation verify(MarkerRef marker, String manifestObject) throws IOException {
    // One bounded pool per process: concurrent requests share its threads and buffers.
    Verifier verifier = new Verifier(store, HashingPool.shared(threads), metrics.registry());
    VerificationReport report;
    try {
      report = verifier.verify(manifestObject, false);
    } catch (ManifestMissingException e) {
      return poison(marker, manifestObject, "MANIFEST_MISSING", e.getMessage());
    } catch (ManifestInvalidException e) {
      return poison(marker, manifestObject, "MANIFEST_INVALID", e.getMessage());
    }
    ObjectNode details = EventJson.MAPPER.createObjectNode();
    details.put("files_checked", report.filesChecked());
    details.put("bytes_hashed", report.bytesHashed());
    details.put("duration_ms", report.durationMs());
    details.put("failures_total", report.failures().size());
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
