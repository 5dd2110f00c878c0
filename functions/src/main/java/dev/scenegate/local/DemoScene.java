package dev.scenegate.local;

import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestBuilder;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.quality.QualityGates;
import dev.scenegate.scene.SceneIds;
import dev.scenegate.storage.LocalObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small synthetic scene, written into a local bucket folder with plain file writes, as the
 * upstream jobs would: each stage's output first, then its marker. Deterministic content (seeded);
 * the reports pass every gate of the runbook with its default thresholds.
 */
public final class DemoScene {
  /** The asset that {@link #corruptAsset()} damages. */
  public static final String CORRUPTED_ASSET = "obj_1/mesh.glb";

  /** One upstream step: what it writes and what its marker is. */
  public record Step(String description, String marker, Writer writer) {}

  @FunctionalInterface
  public interface Writer {
    void write() throws IOException;
  }

  private final LocalObjectStore store;
  private final String sceneId;
  private final Map<String, byte[]> assets = new LinkedHashMap<>();

  public DemoScene(LocalObjectStore store, String sceneId) {
    this.store = store;
    this.sceneId = sceneId;
    Random random = new Random(sceneId.hashCode());
    assets.put(CORRUPTED_ASSET, bytes(random, 6 * 1024));
    assets.put("obj_1/texture.png", bytes(random, 4 * 1024));
    assets.put("obj_2/mesh.glb", bytes(random, 5 * 1024));
    assets.put(
        "layout.json",
        ("{\"scene_id\":\"" + sceneId + "\",\"objects\":[\"obj_1\",\"obj_2\"]}")
            .getBytes(StandardCharsets.UTF_8));
  }

  public String sceneId() {
    return sceneId;
  }

  /** {@code scenes/<scene_id>/<relative>}. */
  public String object(String relative) {
    return SceneIds.folder(sceneId) + relative;
  }

  /** Every stage in pipeline order, each ending with its marker; every gate passes. */
  public List<Step> allStages() {
    List<Step> steps = new ArrayList<>();
    steps.add(sourceImage());
    steps.add(regen3d());
    steps.add(
        new Step(
            "variation_assets/variations.json",
            "variation_assets/.variation_pipeline_complete",
            () ->
                json(
                    "variation_assets/variations.json",
                    "{\"variations\":[{\"object\":\"obj_1\",\"count\":4}]}")));
    steps.add(
        new Step(
            "usd/scene.usda",
            "usd/.usd_complete",
            () -> put("usd/scene.usda", "#usda 1.0\n(defaultPrim = \"World\")\n")));
    steps.add(
        new Step(
            QualityGates.EXPORT_JOB,
            "geniesim/.geniesim_submitted",
            () ->
                json(
                    QualityGates.EXPORT_JOB,
                    "{\"job_id\":\"gs-job-0001\",\"scene_id\":\""
                        + sceneId
                        + "\",\"status\":\"submitted\"}")));
    steps.add(new Step(QualityGates.EXPORT_MANIFEST, "geniesim/.geniesim_complete", this::export));
    steps.add(
        new Step(
            QualityGates.VALIDATION_REPORT + ", " + QualityGates.GATE_REPORT,
            "episodes/.episodes_complete",
            this::episodeReports));
    steps.add(
        new Step(
            QualityGates.IMPORT_MANIFEST,
            "geniesim/.geniesim_import_complete",
            () ->
                json(
                    QualityGates.IMPORT_MANIFEST,
                    "{\"job_id\":\"gs-job-0001\",\"quality\":{\"average_score\":0.91,"
                        + "\"threshold\":0.85,\"min_quality_score\":0.85},"
                        + "\"episodes\":{\"total\":120,\"passed_validation\":114}}")));
    steps.add(
        new Step(
            "dwm/dwm_bundle.json",
            "dwm/.dwm_complete",
            () -> json("dwm/dwm_bundle.json", "{\"frames\":240}")));
    return steps;
  }

  /**
   * {@code config.json}, {@code source_image.png} and the scene-root manifest listing it, which is
   * also the marker of {@code source_image}.
   */
  public Step sourceImage() {
    return new Step(
        "config.json, source_image.png",
        "source_checksums.json",
        () -> {
          json("config.json", "{\"scene_id\":\"" + sceneId + "\",\"use_geniesim\":true}");
          put("source_image.png", bytes(new Random(7), 8 * 1024));
          writeManifest("", "/mnt/gcs/scenes/" + sceneId, List.of(object("config.json")));
        });
  }

  /** The reconstructed assets with {@code assets/source_checksums.json}, then the marker. */
  public Step regen3d() {
    return new Step(
        "assets/ (" + assets.size() + " files) and assets/source_checksums.json",
        "assets/.regen3d_complete",
        this::writeAssets);
  }

  /** The assets and their manifest, without the marker. */
  public void writeAssets() throws IOException {
    for (Map.Entry<String, byte[]> e : assets.entrySet()) {
      put("assets/" + e.getKey(), e.getValue());
    }
    writeManifest("assets/", "/mnt/gcs/scenes/" + sceneId + "/assets", List.of());
  }

  /** Flips one byte of {@link #CORRUPTED_ASSET}, keeping its size: a SHA256_MISMATCH. */
  public void corruptAsset() throws IOException {
    byte[] bad = assets.get(CORRUPTED_ASSET).clone();
    bad[bad.length / 2] ^= 0x5a;
    put("assets/" + CORRUPTED_ASSET, bad);
  }

  /**
   * Writes the step's output, then its (empty) marker; the scene-root manifest is its own marker.
   */
  public void run(Step step) throws IOException {
    step.writer().write();
    if (!step.marker().equals(ChecksumManifest.FILE_NAME)) {
      put(step.marker(), new byte[0]);
    }
  }

  private void export() throws IOException {
    StringBuilder sources = new StringBuilder();
    ChecksumManifest manifest;
    try {
      manifest =
          ManifestCodec.parse(
              Files.readAllBytes(file("assets/" + ChecksumManifest.FILE_NAME)), "assets manifest");
    } catch (ManifestInvalidException e) {
      throw new IOException(e.getMessage(), e);
    }
    for (ManifestEntry entry : manifest.files()) {
      if (sources.length() > 0) {
        sources.append(',');
      }
      sources
          .append('"')
          .append(entry.path())
          .append("\":{\"sha256\":\"")
          .append(entry.sha256())
          .append("\"}");
    }
    json(
        QualityGates.EXPORT_MANIFEST,
        "{\"scene_id\":\""
            + sceneId
            + "\",\"job_id\":\"gs-job-0001\",\"source_assets\":{"
            + sources
            + "}}");
  }

  private void episodeReports() throws IOException {
    json(
        QualityGates.VALIDATION_REPORT,
        "{\"scene_id\":\""
            + sceneId
            + "\",\"summary\":{\"total_episodes\":120,\"pass_rate\":0.95,\"average_score\":0.91},"
            + "\"physics_validation\":{\"physx_used\":true,\"non_physx_episode_count\":0,"
            + "\"backend\":\"physx\"}}");
    json(
        QualityGates.GATE_REPORT,
        "{\"scene_id\":\""
            + sceneId
            + "\",\"summary\":{\"total_gates\":12,\"passed\":12,\"failed\":0,"
            + "\"blocking_failures\":0,\"can_proceed\":true},"
            + "\"results\":[{\"gate_id\":\"QG-EPISODES-GENERATED\",\"passed\":true}]}");
  }

  /** Builds the folder's manifest as the upstream jobs do (ManifestBuilder) and writes it. */
  private void writeManifest(String folder, String root, List<String> exclude) throws IOException {
    try {
      ChecksumManifest manifest =
          new ManifestBuilder(store, 2).build(object(folder), root, exclude);
      put(folder + ChecksumManifest.FILE_NAME, ManifestCodec.write(manifest));
    } catch (ManifestInvalidException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private Path file(String relative) {
    return store.file(object(relative));
  }

  private void json(String relative, String content) throws IOException {
    put(relative, content);
  }

  private void put(String relative, String content) throws IOException {
    put(relative, content.getBytes(StandardCharsets.UTF_8));
  }

  private void put(String relative, byte[] data) throws IOException {
    Path file = file(relative);
    Files.createDirectories(file.getParent());
    Files.write(file, data);
  }

  private static byte[] bytes(Random random, int size) {
    byte[] data = new byte[size];
    random.nextBytes(data);
    return data;
  }
}
