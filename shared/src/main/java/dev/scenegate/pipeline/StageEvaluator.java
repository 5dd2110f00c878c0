package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.quality.GateResult;
import dev.scenegate.quality.QualityGates;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.ObjectTooLargeException;
import dev.scenegate.verify.FileFailure;
import dev.scenegate.verify.HashingPool;
import dev.scenegate.verify.ManifestMissingException;
import dev.scenegate.verify.VerificationReport;
import dev.scenegate.verify.Verifier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The I/O half of the state machine: evaluates what one marker vouches for (DESIGN: Objects in the
 * bucket) and reads the scene's config. Bad input (missing or invalid manifest, failing or
 * unreadable report) is a failed {@link Evaluation}; only storage faults are thrown, as {@link
 * IOException}, so the platform retries.
 */
public final class StageEvaluator {
  /** config.json is a few lines; anything bigger is not a config. */
  public static final int MAX_CONFIG_BYTES = 64 * 1024;

  private final ObjectStore store;
  private final QualityGates gates;
  private final int threads;
  private final MeterRegistry meters;

  public StageEvaluator(ObjectStore store, QualityGates gates, int threads, MeterRegistry meters) {
    this.store = store;
    this.gates = gates;
    this.threads = threads;
    this.meters = meters;
  }

  public Evaluation evaluate(String sceneId, Stage stage, MarkerRef marker) throws IOException {
    long start = System.nanoTime();
    Evaluation result =
        switch (stage) {
          case SOURCE_IMAGE ->
              verify(marker, Stage.scenePrefix(sceneId) + ChecksumManifest.FILE_NAME);
          case REGEN3D, VARIATION_ASSETS, USD ->
              verify(marker, Stage.scenePrefix(sceneId) + "assets/" + ChecksumManifest.FILE_NAME);
          case GENIESIM_EXPORT -> gate(marker, gates.geniesimExport(sceneId));
          case EPISODES -> gate(marker, gates.episodes(sceneId));
          case GENIESIM_IMPORT -> gate(marker, gates.geniesimImport(sceneId));
          case DWM -> Evaluation.pass(marker, Evaluation.NONE, null, null);
        };
    Timer.builder("scenegate.stage.evaluation")
        .description("Time to evaluate what one marker vouches for")
        .tag("stage", stage.wireName())
        .tag("result", result.passed() ? "passed" : "failed")
        .register(meters)
        .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    return result;
  }

  private Evaluation verify(MarkerRef marker, String manifestObject) throws IOException {
    // One bounded pool per process: concurrent requests share its threads and buffers.
    Verifier verifier = new Verifier(store, HashingPool.shared(threads), meters);
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
      return Evaluation.pass(marker, Evaluation.CHECKSUM, manifestObject, details);
    }
    List<ChecksumAlert.Failure> failures = new ArrayList<>();
    for (FileFailure f : report.failures()) {
      if (failures.size() == Evaluation.MAX_FAILURES) {
        break;
      }
      failures.add(
          new ChecksumAlert.Failure(
              f.path(),
              f.kind().name(),
              f.expectedSha256(),
              f.actualSha256(),
              f.expectedSize(),
              f.actualSize()));
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
        Evaluation.CHECKSUM,
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
        marker, Evaluation.CHECKSUM, kind + ": " + message, manifestObject, details, List.of(), 0);
  }

  private static Evaluation gate(MarkerRef marker, GateResult result) {
    ObjectNode details = EventJson.MAPPER.valueToTree(result.details());
    if (!result.passed()) {
      ArrayNode failures = details.putArray("failures");
      result.failures().forEach(failures::add);
      return Evaluation.fail(
          marker,
          Evaluation.GATE,
          result.reason(),
          result.reportObject(),
          details,
          List.of(),
          result.failures().size());
    }
    return Evaluation.pass(marker, Evaluation.GATE, result.reportObject(), details);
  }

  /**
   * The scene's config. {@code known} (from the state) is reused when its generation is still
   * current, so most deliveries cost one stat. An unreadable config is the runbook's default (Genie
   * Sim used), with the problem recorded.
   */
  public SceneConfig readConfig(String sceneId, SceneConfig known) throws IOException {
    String name = Stage.scenePrefix(sceneId) + Stage.CONFIG;
    for (int attempt = 0; ; attempt++) {
      Optional<ObjectInfo> info = store.stat(name);
      if (info.isEmpty()) {
        return SceneConfig.absent(sceneId);
      }
      long generation = info.get().generation();
      if (known != null && known.generation() == generation && name.equals(known.object())) {
        return known;
      }
      byte[] bytes;
      try {
        bytes = store.readSmall(name, generation, MAX_CONFIG_BYTES);
      } catch (NoSuchFileException e) {
        if (attempt < 5) {
          continue;
        }
        throw e;
      } catch (ObjectTooLargeException e) {
        return new SceneConfig(name, generation, true, e.getMessage());
      }
      return parseConfig(name, generation, bytes);
    }
  }

  static SceneConfig parseConfig(String name, long generation, byte[] bytes) {
    JsonNode tree;
    try {
      tree = EventJson.MAPPER.readTree(bytes);
    } catch (IOException e) {
      return new SceneConfig(name, generation, true, "not valid JSON");
    }
    if (tree == null || !tree.isObject()) {
      return new SceneConfig(name, generation, true, "not a JSON object");
    }
    JsonNode use = tree.get("use_geniesim");
    if (use == null || use.isNull()) {
      return new SceneConfig(name, generation, true, null);
    }
    if (use.isBoolean()) {
      return new SceneConfig(name, generation, use.booleanValue(), null);
    }
    if (use.isTextual() && use.asText().strip().equalsIgnoreCase("false")) {
      return new SceneConfig(name, generation, false, null);
    }
    if (use.isTextual() && use.asText().strip().equalsIgnoreCase("true")) {
      return new SceneConfig(name, generation, true, null);
    }
    return new SceneConfig(name, generation, true, "use_geniesim is not a boolean");
  }
}
