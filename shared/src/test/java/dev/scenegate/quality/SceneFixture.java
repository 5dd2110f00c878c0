package dev.scenegate.quality;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Writes a scene that passes every runbook criterion into a folder acting as the bucket; tests then
 * break one thing at a time. Shared with the CLI tests through the test-jar.
 */
public final class SceneFixture {
  public static final String VALIDATION_REPORT =
      """
      { "scene_id": "%s",
        "summary": { "total_episodes": 40, "pass_rate": 0.95, "average_score": 0.91 },
        "physics_validation": { "physx_used": true, "non_physx_episode_count": 0,
                                "backend": "physx" },
        "config": { "DATA_QUALITY_LEVEL": "production", "SENSOR_CAPTURE_MODE": "isaac_sim",
                    "USE_MOCK_CAPTURE": false, "ALLOW_MOCK_DATA": false } }
      """;

  public static final String GATE_REPORT =
      """
      { "scene_id": "%s", "timestamp": "2024-05-08T12:34:56Z",
        "summary": { "total_gates": 12, "passed": 12, "failed": 0,
                     "blocking_failures": 0, "can_proceed": true },
        "results": [] }
      """;

  public static final String IMPORT_MANIFEST =
      """
      { "job_id": "job-1",
        "quality": { "average_score": 0.9, "threshold": 0.85 },
        "episodes": { "total": 40, "passed_validation": 38 } }
      """;

  public static final String EXPORT_MANIFEST =
      """
      { "job_id": "job-1", "source_assets": { "obj_1/asset.glb": { "sha256": "%s" } } }
      """;

  private final Path bucket;
  private final String sceneId;

  private SceneFixture(Path bucket, String sceneId) {
    this.bucket = bucket;
    this.sceneId = sceneId;
  }

  /** A complete, production-grade scene under {@code bucket/scenes/<sceneId>/}. */
  public static SceneFixture passing(Path bucket, String sceneId) throws IOException {
    SceneFixture scene = new SceneFixture(bucket, sceneId);
    scene.write("source_image.png", "PNG-bytes-of-the-source-image");
    scene.manifest("", "source_image.png");
    scene.write("assets/obj_1/asset.glb", "glTF-binary-asset");
    scene.write("assets/obj_2/asset.glb", "another-asset");
    scene.manifest("assets/", "obj_1/asset.glb", "obj_2/asset.glb");
    scene.write("assets/.regen3d_complete", "");
    scene.write("variation_assets/.variation_pipeline_complete", "");
    scene.write("usd/.usd_complete", "");
    scene.write("geniesim/.geniesim_submitted", "");
    scene.write("geniesim/.geniesim_complete", "");
    scene.write("geniesim/job.json", "{ \"job_id\": \"job-1\" }");
    scene.write(
        "geniesim/export_manifest.json", EXPORT_MANIFEST.formatted(sha256("glTF-binary-asset")));
    scene.write("episodes/.episodes_complete", "");
    scene.write("episodes/quality/validation_report.json", VALIDATION_REPORT.formatted(sceneId));
    scene.write("episode-generation-job/quality_gate_report.json", GATE_REPORT.formatted(sceneId));
    scene.write("geniesim/.geniesim_import_complete", "");
    scene.write("episodes/import_manifest.json", IMPORT_MANIFEST);
    scene.write("dwm/.dwm_complete", "");
    return scene;
  }

  public Path sceneDir() {
    return bucket.resolve("scenes").resolve(sceneId);
  }

  /** Writes {@code content} at {@code relative} inside the scene folder. */
  public SceneFixture write(String relative, String content) throws IOException {
    Path file = sceneDir().resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return this;
  }

  public SceneFixture delete(String relative) throws IOException {
    Files.delete(sceneDir().resolve(relative));
    return this;
  }

  /** Replaces text inside a scene file. */
  public SceneFixture edit(String relative, String from, String to) throws IOException {
    Path file = sceneDir().resolve(relative);
    String content = Files.readString(file, StandardCharsets.UTF_8);
    if (!content.contains(from)) {
      throw new IllegalArgumentException(relative + " does not contain " + from);
    }
    Files.writeString(file, content.replace(from, to), StandardCharsets.UTF_8);
    return this;
  }

  /** Writes {@code folder}source_checksums.json listing {@code files} (relative to folder). */
  public void manifest(String folder, String... files) throws IOException {
    StringBuilder json = new StringBuilder();
    json.append("{ \"schema_version\": \"1.0\", \"generated_at\": \"2025-01-01T00:00:00Z\",")
        .append(" \"root\": \"/mnt/gcs/scenes/")
        .append(sceneId)
        .append("\", \"files\": {");
    for (int i = 0; i < files.length; i++) {
      byte[] bytes = Files.readAllBytes(sceneDir().resolve(folder + files[i]));
      json.append(i == 0 ? "" : ",")
          .append("\"")
          .append(files[i])
          .append("\": { \"sha256\": \"")
          .append(sha256(bytes))
          .append("\", \"size_bytes\": ")
          .append(bytes.length)
          .append(" }");
    }
    json.append("} }");
    write(folder + "source_checksums.json", json.toString());
  }

  public static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
