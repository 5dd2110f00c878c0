package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.verify.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a scene as the upstream jobs would: a source image with its manifest, reconstructed assets
 * with theirs, the runbook's reports, and the markers. Works on any {@link ObjectStore}, so unit
 * tests (local folder) and integration tests (fake-gcs-server) share it.
 */
public final class SceneFixture {
  /** Every marker in pipeline order (relative to the scene folder), source manifest first. */
  public static final List<String> MARKERS_IN_ORDER =
      List.of(
          "source_checksums.json",
          "assets/.regen3d_complete",
          "variation_assets/.variation_pipeline_complete",
          "usd/.usd_complete",
          "geniesim/.geniesim_submitted",
          "geniesim/.geniesim_complete",
          "episodes/.episodes_complete",
          "geniesim/.geniesim_import_complete",
          "dwm/.dwm_complete");

  private final ObjectStore store;
  private final String sceneId;
  private final Map<String, byte[]> assets = new LinkedHashMap<>();

  public SceneFixture(ObjectStore store, String sceneId) {
    this.store = store;
    this.sceneId = sceneId;
    assets.put("obj_1/asset.glb", bytes("glb-mesh-of-a-kitchen-chair-", 3000));
    assets.put("obj_2/texture.png", bytes("png-texture-", 2000));
    assets.put("layout.json", "{\"objects\":2}".getBytes(StandardCharsets.UTF_8));
  }

  public String sceneId() {
    return sceneId;
  }

  public ObjectStore store() {
    return store;
  }

  public String object(String relative) {
    return "scenes/" + sceneId + "/" + relative;
  }

  /** Source image, assets with their manifest, every report passing, no config. */
  public SceneFixture writeAllPassing() throws IOException {
    writeSourceImage();
    writeAssets();
    writeExportArtifacts();
    writeEpisodeReports(true);
    writeImportManifest(0.91);
    return this;
  }

  /** {@code source_image.png} and the scene-root manifest (which is also the stage's marker). */
  public Trigger writeSourceImage() throws IOException {
    byte[] image = bytes("PNG-source-image-", 4096);
    put("source_image.png", image);
    ChecksumManifest manifest =
        ChecksumManifest.of(
            "2025-01-01T00:00:00Z",
            "/mnt/gcs/scenes/" + sceneId,
            List.of(ManifestEntry.of("source_image.png", Sha256.hex(image), image.length)));
    return trigger(put("source_checksums.json", ManifestCodec.write(manifest)));
  }

  /** Assets and {@code assets/source_checksums.json} listing them. */
  public void writeAssets() throws IOException {
    List<ManifestEntry> entries = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : assets.entrySet()) {
      put("assets/" + e.getKey(), e.getValue());
      entries.add(ManifestEntry.of(e.getKey(), Sha256.hex(e.getValue()), e.getValue().length));
    }
    ChecksumManifest manifest =
        ChecksumManifest.of(
            "2025-01-01T00:00:00Z", "/mnt/gcs/scenes/" + sceneId + "/assets", entries);
    put("assets/source_checksums.json", ManifestCodec.write(manifest));
  }

  /** Overwrites one asset with same-size different bytes: a SHA256_MISMATCH. */
  public String corruptAsset() throws IOException {
    String path = "obj_1/asset.glb";
    byte[] bad = assets.get(path).clone();
    bad[bad.length / 2] ^= 0x5a;
    put("assets/" + path, bad);
    return path;
  }

  /** Restores the assets the manifest lists (remediation). */
  public void restoreAssets() throws IOException {
    for (Map.Entry<String, byte[]> e : assets.entrySet()) {
      put("assets/" + e.getKey(), e.getValue());
    }
  }

  public void writeManifestRaw(String relative, String content) throws IOException {
    put(relative, content.getBytes(StandardCharsets.UTF_8));
  }

  public void writeExportArtifacts() throws IOException {
    putJson("geniesim/job.json", "{\"job_id\":\"gs-job-0001\",\"status\":\"submitted\"}");
    putJson(
        "geniesim/export_manifest.json",
        "{\"scene_id\":\""
            + sceneId
            + "\",\"source_assets\":{\"checksums\":\"scenes/"
            + sceneId
            + "/assets/source_checksums.json\",\"files\":3}}");
  }

  /** The runbook's episode reports; {@code passing=false} gives a pass rate below 0.90. */
  public void writeEpisodeReports(boolean passing) throws IOException {
    putJson(
        "episodes/quality/validation_report.json",
        "{\"summary\":{\"pass_rate\":"
            + (passing ? "0.95" : "0.62")
            + ",\"average_score\":0.91},"
            + "\"physics_validation\":{\"physx_used\":true,\"non_physx_episode_count\":0}}");
    putJson(
        "episode-generation-job/quality_gate_report.json",
        "{\"scene_id\":\""
            + sceneId
            + "\",\"summary\":{\"total_gates\":12,\"passed\":12,\"failed\":0,"
            + "\"blocking_failures\":0,\"can_proceed\":true},\"results\":[]}");
  }

  public void writeImportManifest(double averageScore) throws IOException {
    putJson(
        "episodes/import_manifest.json",
        "{\"quality\":{\"average_score\":"
            + averageScore
            + ",\"threshold\":0.85},\"episodes\":{\"total\":12,\"passed_validation\":11}}");
  }

  public void writeConfig(boolean useGeniesim) throws IOException {
    ObjectNode config = EventJson.MAPPER.createObjectNode();
    config.put("scene_id", sceneId);
    config.put("use_geniesim", useGeniesim);
    put("config.json", config.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Writes an (empty) marker object and returns its trigger. */
  public Trigger marker(String relative) throws IOException {
    return trigger(put(relative, new byte[0]));
  }

  /** Writes every marker in pipeline order and returns their triggers. */
  public List<Trigger> allMarkers() throws IOException {
    List<Trigger> triggers = new ArrayList<>();
    for (String marker : MARKERS_IN_ORDER) {
      triggers.add(marker.equals("source_checksums.json") ? existing(marker) : marker(marker));
    }
    return triggers;
  }

  /** The trigger of an object as it is now. */
  public Trigger existing(String relative) throws IOException {
    ObjectInfo info =
        store.stat(object(relative)).orElseThrow(() -> new IOException("no " + relative));
    return trigger(info);
  }

  private Trigger trigger(ObjectInfo info) {
    return Trigger.of(store.bucket(), info.name(), info.generation());
  }

  private ObjectInfo putJson(String relative, String json) throws IOException {
    return put(relative, json.getBytes(StandardCharsets.UTF_8));
  }

  public ObjectInfo put(String relative, byte[] data) throws IOException {
    return store.write(
        object(relative), data, "application/octet-stream", Map.of(), Precondition.none());
  }

  private static byte[] bytes(String seed, int size) {
    byte[] data = new byte[size];
    byte[] s = seed.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < size; i++) {
      data[i] = (byte) (s[i % s.length] + i / s.length);
    }
    return data;
  }
}
