package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import dev.scenegate.quality.SceneFixture;
import dev.scenegate.testing.Emulators;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code check --bucket} against fake-gcs-server, through the real GCS adapter. */
class CheckCommandIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsOnly();

  private static final String SCENE = "kitchen_001";

  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int check(String... argv) {
    out.reset();
    err.reset();
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            EMULATORS.gcs().env(),
            false);
    return Main.standard()
        .run(Stream.concat(Stream.of("check"), Stream.of(argv)).toList(), console);
  }

  private JsonNode json() throws Exception {
    return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
  }

  /** Uploads every file of a local fixture folder to a fresh bucket. */
  private String upload(Path root) throws Exception {
    Storage storage = EMULATORS.gcs().storage();
    String bucket = EMULATORS.gcs().createBucket("check");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    for (Path file : files) {
      String name = root.relativize(file).toString().replace('\\', '/');
      storage.create(
          BlobInfo.newBuilder(BlobId.of(bucket, name)).build(), Files.readAllBytes(file));
    }
    return bucket;
  }

  @Test
  void passingSceneInBucketPasses() throws Exception {
    SceneFixture.passing(tmp, SCENE);
    String bucket = upload(tmp);
    assertEquals(ExitCodes.OK, check(SCENE, "--bucket", bucket, "--json"), err.toString());
    JsonNode root = json();
    assertEquals("PASS", root.get("verdict").asText());
    assertEquals("gs://" + bucket, root.get("target").asText());
    assertEquals(18, root.get("criteria").size());
  }

  @Test
  void tamperedAssetInBucketFailsNamingIt() throws Exception {
    SceneFixture.passing(tmp, SCENE).write("assets/obj_1/asset.glb", "glTF-binary-assex");
    String bucket = upload(tmp);
    assertEquals(ExitCodes.FAILED, check(SCENE, "--bucket", "gs://" + bucket));
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        table.lines().anyMatch(l -> l.startsWith("FAIL") && l.endsWith("assets/obj_1/asset.glb")),
        table);
    assertTrue(table.contains("-> SHA256_MISMATCH against source_checksums.json"), table);
  }

  @Test
  void missingBucketOrSceneIsBadInput() throws Exception {
    assertEquals(
        ExitCodes.BAD_INPUT, check(SCENE, "--bucket", "no-such-bucket-scenegate", "--json"));
    assertEquals("BUCKET_NOT_FOUND", json().get("error").get("kind").asText());

    SceneFixture.passing(tmp, "another_scene");
    String bucket = upload(tmp);
    assertEquals(ExitCodes.BAD_INPUT, check(SCENE, "--bucket", bucket, "--json"));
    assertEquals("SCENE_NOT_FOUND", json().get("error").get("kind").asText());
  }
}
