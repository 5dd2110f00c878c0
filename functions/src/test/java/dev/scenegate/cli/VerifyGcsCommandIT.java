package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.FakeGcs;
import dev.scenegate.testing.Scenes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code scenegate verify gs://...} end to end against fake-gcs-server. */
class VerifyGcsCommandIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsOnly();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static String bucket;
  private static ObjectStore store;

  @BeforeAll
  static void scenes() throws Exception {
    FakeGcs gcs = EMULATORS.gcs();
    bucket = gcs.createBucket("cli");
    store = new GcsObjectStore(gcs.storage(), bucket);
    Scenes.put(store, "scenes/good/assets/", Scenes.sampleAssets());
    Map<String, byte[]> bad = Scenes.sampleAssets();
    Scenes.put(store, "scenes/bad/assets/", bad);
    byte[] corrupted = bad.get("scene.usda").clone();
    corrupted[1] ^= 0x04;
    store.write("scenes/bad/assets/scene.usda", corrupted, null, Map.of(), Precondition.none());
    store.write(
        "scenes/broken/assets/source_checksums.json",
        "{ not json".getBytes(StandardCharsets.UTF_8),
        null,
        Map.of(),
        Precondition.none());
  }

  private record Run(int code, String out, String err) {
    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            EMULATORS.gcs().env(),
            false);
    int code = Main.standard().run(List.of(args), console);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aGoodSceneExitsZero() throws Exception {
    Run run = cli("verify", "gs://" + bucket + "/scenes/good/assets", "--json");
    assertEquals(ExitCodes.OK, run.code(), run.err());
    JsonNode json = run.json();
    assertTrue(json.path("ok").asBoolean());
    assertEquals(3, json.path("files_checked").asInt());
    assertEquals(
        "gs://" + bucket + "/scenes/good/assets/source_checksums.json",
        json.path("manifest").asText());
    assertEquals("", run.err());
  }

  @Test
  void aManifestObjectTargetWorksToo() {
    Run run = cli("verify", "gs://" + bucket + "/scenes/good/assets/source_checksums.json");
    assertEquals(ExitCodes.OK, run.code(), run.err());
    assertTrue(run.out().startsWith("OK  3 files"), run.out());
  }

  @Test
  void aCorruptedSceneExitsOneNamingTheFile() throws Exception {
    Run run = cli("verify", "gs://" + bucket + "/scenes/bad/assets/", "--json");
    assertEquals(ExitCodes.FAILED, run.code(), run.err());
    JsonNode failure = run.json().path("failures").path(0);
    assertEquals("scene.usda", failure.path("path").asText());
    assertEquals("SHA256_MISMATCH", failure.path("kind").asText());
  }

  @Test
  void aMissingManifestExitsTwo() throws Exception {
    Run run = cli("verify", "gs://" + bucket + "/scenes/nothing-here", "--json");
    assertEquals(ExitCodes.BAD_INPUT, run.code());
    assertEquals("MANIFEST_MISSING", run.json().path("error").path("kind").asText());
    assertEquals(1, run.err().lines().count(), run.err());
  }

  @Test
  void anInvalidManifestExitsTwo() throws Exception {
    Run run = cli("verify", "gs://" + bucket + "/scenes/broken/assets", "--json");
    assertEquals(ExitCodes.BAD_INPUT, run.code());
    assertEquals("MANIFEST_INVALID", run.json().path("error").path("kind").asText());
  }

  @Test
  void anInvalidUriExitsTwoWithOneLine() {
    Run run = cli("verify", "gs://Not_A_Bucket!/x");
    assertEquals(ExitCodes.BAD_INPUT, run.code());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().contains("invalid gs:// target"), run.err());
  }

  /**
   * A 200 MiB object, uploaded streaming and verified by the shaded jar in a separate JVM capped at
   * 64 MiB of heap: the download is streamed, never held.
   */
  @Test
  void a200MiBObjectVerifiesUnderA64MiBHeap() throws Exception {
    long size = 200L * 1024 * 1024;
    String folder = "scenes/huge/assets/";
    String sha = uploadPseudoRandom(folder + "mesh.bin", size);
    ChecksumManifest manifest =
        ChecksumManifest.of(
            "2026-11-22T18:00:00Z", "/mnt", List.of(ManifestEntry.of("mesh.bin", sha, size)));
    store.write(
        folder + ChecksumManifest.FILE_NAME,
        ManifestCodec.write(manifest),
        "application/json",
        Map.of(),
        Precondition.none());

    Path jar = Path.of("target", "scenegate.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "the shaded jar is built in package, before ITs: " + jar);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            java.toString(),
            "-Xmx64m",
            "-jar",
            jar.toString(),
            "verify",
            "gs://" + bucket + "/" + folder,
            "--json"));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(EMULATORS.gcs().env());
    Path out = Files.createTempFile(Path.of("target"), "huge-verify", ".out");
    Path err = Files.createTempFile(Path.of("target"), "huge-verify", ".err");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process process = builder.start();
    // A guard against a hung child only; the test asserts no duration.
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
    }
    String stderr = Files.readString(err);
    assertEquals(ExitCodes.OK, process.exitValue(), stderr);
    JsonNode json = JSON.readTree(Files.readString(out));
    assertTrue(json.path("ok").asBoolean(), json.toString());
    assertEquals(size, json.path("bytes_hashed").asLong());
  }

  /** Streams {@code size} pseudo-random bytes into one object; returns their SHA-256. */
  private static String uploadPseudoRandom(String name, long size) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    Random random = new Random(7);
    byte[] chunk = new byte[1024 * 1024];
    try (WriteChannel writer =
        EMULATORS.gcs().storage().writer(BlobInfo.newBuilder(BlobId.of(bucket, name)).build())) {
      for (long written = 0; written < size; written += chunk.length) {
        random.nextBytes(chunk);
        int n = (int) Math.min(chunk.length, size - written);
        digest.update(chunk, 0, n);
        ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, n);
        while (buffer.hasRemaining()) {
          writer.write(buffer);
        }
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
