package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scenegate.backfill.ArtifactType;
import dev.scenegate.backfill.Checkpoint;
import dev.scenegate.backfill.Position;
import dev.scenegate.backfill.Shard;
import dev.scenegate.storage.LocalObjectStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN "Signals" for the batch job, on the shaded jar with a real SIGTERM while a large object is
 * being hashed (issue 13, item 4): the checkpoint of what is done, one line on how to resume, exit
 * 143, without waiting for the object in flight.
 */
class BackfillSigtermIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SMALL_A = "scenes/scene_01/assets/a.bin";
  private static final String SMALL_B = "scenes/scene_01/assets/b.bin";
  private static final String LARGE = "scenes/scene_01/assets/c_large.bin";

  @TempDir Path tmp;

  @Test
  void sigtermWithALargeObjectInFlightCheckpointsSaysHowToResumeAndExits143() throws Exception {
    Path jar = Path.of("target/scenegate.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "the shaded jar is built in the package phase: " + jar);
    Path bucket = tmp.resolve("bucket");
    write(bucket, SMALL_A, 64 * 1024, 1);
    write(bucket, SMALL_B, 64 * 1024, 2);
    write(bucket, LARGE, 32 * 1024 * 1024, 3); // minutes at 256 KB/s: in flight when stopped

    Process process =
        new ProcessBuilder(
                javaBin(),
                "-jar",
                jar.toString(),
                "backfill",
                bucket.toString(),
                "--threads",
                "1",
                "--max-rate",
                "256KB/s",
                "--progress-interval",
                "1",
                "--json")
            .redirectOutput(tmp.resolve("out.txt").toFile())
            .start();
    List<String> stderr = new ArrayList<>();
    try (BufferedReader err =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      // Progress lines come every second; stop once both small objects are done and the large
      // one has started (its bytes are counted while it is read).
      String line;
      while ((line = err.readLine()) != null) {
        stderr.add(line);
        JsonNode progress = progress(line);
        if (progress != null
            && progress.path("files_done").asLong() >= 2
            && progress.path("bytes_hashed").asLong() > 128 * 1024) {
          process.toHandle().destroy(); // SIGTERM (Process.destroy would close our pipe)
          break;
        }
      }
      assertTrue(process.isAlive() || process.exitValue() == 143, String.join("\n", stderr));
      while ((line = err.readLine()) != null) {
        stderr.add(line);
      }
    }
    assertEquals(143, process.waitFor(), String.join("\n", stderr));

    String hint =
        stderr.stream().filter(l -> l.contains("stopped by SIGTERM")).findFirst().orElse(null);
    assertNotNull(hint, String.join("\n", stderr));
    assertTrue(hint.contains("run the same command again to resume"), hint);
    JsonNode summary = JSON.readTree(Files.readString(tmp.resolve("out.txt")));
    assertFalse(summary.path("complete").asBoolean());

    LocalObjectStore store = new LocalObjectStore(bucket);
    Checkpoint checkpoint =
        Checkpoint.parse(store.readSmall(Checkpoint.objectName(Shard.all()), 0, 1 << 20))
            .orElseThrow();
    assertFalse(checkpoint.complete());
    assertEquals(Position.of(ArtifactType.ASSET, SMALL_B), checkpoint.position());
    assertNull(store.stat(LARGE).orElseThrow().metadata().get("sha256"), "abandoned, not done");
  }

  private static JsonNode progress(String line) {
    if (!line.startsWith("{")) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(line);
      return node.has("files_done") ? node : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static void write(Path bucket, String name, int size, int seed) throws Exception {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    Path file = bucket.resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, data);
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
