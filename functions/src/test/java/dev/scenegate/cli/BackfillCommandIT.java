package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scenegate.backfill.Checkpoint;
import dev.scenegate.backfill.RecordedHash;
import dev.scenegate.backfill.Shard;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.Precondition;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.FakeGcs;
import dev.scenegate.testing.PubSubEmulator;
import dev.scenegate.testing.PulledMessage;
import dev.scenegate.verify.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scenegate backfill} end to end: a gs:// target on fake-gcs-server with drift alerts pulled
 * back from the Pub/Sub emulator, Cloud Run task sharding on GCS, and a real SIGKILL of the shaded
 * jar followed by a resume.
 */
class BackfillCommandIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsAndPubSub();

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private String stdout;
  private String stderr;

  @Test
  void gsTargetIsBackfilledOnceAndDriftIsAlertedThroughPubSub() throws Exception {
    FakeGcs gcs = EMULATORS.gcs();
    PubSubEmulator pubSub = EMULATORS.pubSub();
    String bucket = gcs.createBucket("backfill");
    GcsObjectStore store = new GcsObjectStore(gcs.storage(), bucket);
    Map<String, byte[]> targets = scenes(store, 4);
    long total = targets.values().stream().mapToLong(b -> b.length).sum();
    String topic = pubSub.createTopic("checksum-alerts");
    String subscription = pubSub.createSubscription(topic);
    Map<String, String> env = new HashMap<>(gcs.env());
    env.putAll(pubSub.env());
    env.put("CHECKSUM_ALERTS_TOPIC", topic);
    String target = "gs://" + bucket + "/scenes/";

    assertEquals(0, run(env, "backfill", target, "--json", "--threads", "2"), stderr);
    JsonNode first = JSON.readTree(stdout);
    assertEquals(12, first.path("scanned").asLong());
    assertEquals(12, first.path("updated").asLong());
    assertEquals(total, first.path("bytes_hashed").asLong());
    assertEquals(8, first.path("manifests_created").asLong());
    for (Map.Entry<String, byte[]> t : targets.entrySet()) {
      ObjectInfo info = store.stat(t.getKey()).orElseThrow();
      assertEquals(Sha256.hex(t.getValue()), info.metadata().get(RecordedHash.SHA256));
      assertEquals(Long.toString(info.generation()), info.metadata().get(RecordedHash.GENERATION));
    }
    assertTrue(store.stat(Checkpoint.objectName(Shard.all())).isPresent());

    assertEquals(0, run(env, "backfill", target, "--json"), stderr);
    JsonNode again = JSON.readTree(stdout);
    assertEquals(0, again.path("bytes_hashed").asLong());
    assertEquals(0, again.path("updated").asLong());
    assertEquals(12, again.path("already_current").asLong());

    // Rewritten behind the manifest's back: drift, alerted on Pub/Sub, exit 1.
    String changed = "scenes/scene_2/assets/obj_1/model.glb";
    byte[] content = bytes(9_000, 4242);
    store.write(changed, content, null, Map.of(), Precondition.none());
    assertEquals(1, run(env, "backfill", target, "--json"), stderr);
    JsonNode drift = JSON.readTree(stdout);
    assertEquals(1, drift.path("drift_events").asLong());
    List<PulledMessage> messages = pubSub.awaitMessages(subscription, 1, Duration.ofSeconds(60));
    assertEquals(1, messages.size());
    PulledMessage message = messages.get(0);
    assertEquals("drift", message.attributes().get("kind"));
    assertEquals("scene_2", message.attributes().get("scene_id"));
    assertEquals("scene_2", message.orderingKey());
    JsonNode alert = JSON.readTree(message.text());
    assertEquals("drift", alert.path("kind").asText());
    assertEquals(bucket, alert.path("bucket").asText());
    assertEquals("scenes/scene_2/assets/source_checksums.json", alert.path("manifest").asText());
    assertEquals("obj_1/model.glb", alert.path("failures").get(0).path("path").asText());
    assertEquals(
        Sha256.hex(targets.get(changed)),
        alert.path("failures").get(0).path("expected_sha256").asText());
    assertEquals(Sha256.hex(content), alert.path("failures").get(0).path("actual_sha256").asText());
    assertEquals(
        Sha256.hex(content), store.stat(changed).orElseThrow().metadata().get(RecordedHash.SHA256));
  }

  @Test
  void cloudRunTasksOnGcsCoverEveryObjectOnce() throws Exception {
    FakeGcs gcs = EMULATORS.gcs();
    String bucket = gcs.createBucket("shards");
    GcsObjectStore store = new GcsObjectStore(gcs.storage(), bucket);
    Map<String, byte[]> targets = scenes(store, 9);
    int count = 4;
    long scanned = 0;
    long bytes = 0;
    for (int index = 0; index < count; index++) {
      Map<String, String> env = new HashMap<>(gcs.env());
      env.put("CLOUD_RUN_TASK_INDEX", Integer.toString(index));
      env.put("CLOUD_RUN_TASK_COUNT", Integer.toString(count));
      assertEquals(0, run(env, "backfill", "gs://" + bucket, "--json"), stderr);
      JsonNode s = JSON.readTree(stdout);
      assertEquals(s.path("scanned").asLong(), s.path("updated").asLong());
      scanned += s.path("scanned").asLong();
      bytes += s.path("bytes_hashed").asLong();
      assertTrue(store.stat(Checkpoint.objectName(Shard.of(index, count))).isPresent());
    }
    assertEquals(targets.size(), scanned);
    assertEquals(targets.values().stream().mapToLong(b -> b.length).sum(), bytes);
    for (Map.Entry<String, byte[]> t : targets.entrySet()) {
      assertEquals(
          Sha256.hex(t.getValue()),
          store.stat(t.getKey()).orElseThrow().metadata().get(RecordedHash.SHA256));
    }
  }

  @Test
  void aKilledJarResumesWithoutRehashingWhatItRecorded() throws Exception {
    Path jar = Path.of("target/scenegate.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "the shaded jar is built in the package phase: " + jar);
    Path bucket = tmp.resolve("bucket");
    Map<String, byte[]> targets = new TreeMap<>();
    for (int i = 0; i < 40; i++) {
      String name = String.format("scenes/scene_%02d/assets/part_%d.bin", i / 2, i % 2);
      byte[] data = bytes(512 * 1024, i);
      Path file = bucket.resolve(name);
      Files.createDirectories(file.getParent());
      Files.write(file, data);
      targets.put(name, data);
    }
    long total = targets.values().stream().mapToLong(b -> b.length).sum(); // 20 MiB
    LocalObjectStore store = new LocalObjectStore(bucket);

    // ~10 s at 2 MB/s on one thread, checkpoint after every object: killed part-way.
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
                "2MB/s",
                "--checkpoint-every",
                "1",
                "--json")
            .redirectOutput(tmp.resolve("out.txt").toFile())
            .redirectError(tmp.resolve("err.txt").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (current(store, targets).size() < 6 && System.nanoTime() < deadline) {
      assertTrue(process.isAlive(), "backfill ended before it was killed: " + log("err.txt"));
      Thread.sleep(20); // polling the bucket for recorded hashes, not synchronising
    }
    assertTrue(process.isAlive(), "backfill ended before it was killed: " + log("err.txt"));
    process.destroyForcibly(); // SIGKILL: no shutdown hook, no last checkpoint
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    assertEquals(137, process.exitValue(), "killed by SIGKILL");

    Map<String, byte[]> recorded = current(store, targets);
    long recordedBytes = recorded.values().stream().mapToLong(b -> b.length).sum();
    assertTrue(recorded.size() >= 6 && recorded.size() < targets.size(), recorded.size() + "");
    Optional<Checkpoint> checkpoint =
        Checkpoint.parse(store.readSmall(Checkpoint.objectName(Shard.all()), 0, 1 << 20));
    assertTrue(checkpoint.isPresent());
    assertFalse(checkpoint.get().complete());

    assertEquals(0, run(Map.of(), "backfill", bucket.toString(), "--json"), stderr);
    JsonNode resumed = JSON.readTree(stdout);
    assertTrue(resumed.path("resumed").asBoolean());
    assertTrue(resumed.path("complete").asBoolean());
    // Nothing the killed run recorded is hashed again; only the object in flight was lost.
    assertEquals(total - recordedBytes, resumed.path("this_run").path("bytes_hashed").asLong());
    long alreadyCurrent = resumed.path("already_current").asLong();
    assertTrue(alreadyCurrent <= 1, "recorded after the last checkpoint: " + alreadyCurrent);
    assertEquals(targets.size(), resumed.path("updated").asLong() + alreadyCurrent);
    assertEquals(targets, current(store, targets));
  }

  // ---- helpers ----

  /** The targets whose recorded hash is current and right. */
  private static Map<String, byte[]> current(LocalObjectStore store, Map<String, byte[]> targets)
      throws IOException {
    Map<String, byte[]> result = new TreeMap<>();
    for (Map.Entry<String, byte[]> t : targets.entrySet()) {
      ObjectInfo info = store.stat(t.getKey()).orElseThrow();
      Optional<RecordedHash> hash = RecordedHash.from(info.metadata());
      if (hash.isPresent() && hash.get().currentFor(info)) {
        assertEquals(Sha256.hex(t.getValue()), hash.get().sha256(), t.getKey());
        result.put(t.getKey(), t.getValue());
      }
    }
    return result;
  }

  private static Map<String, byte[]> scenes(GcsObjectStore store, int count) throws IOException {
    Map<String, byte[]> targets = new TreeMap<>();
    for (int s = 0; s < count; s++) {
      String scene = "scenes/scene_" + s + "/";
      for (int a = 0; a < 2; a++) {
        String name = scene + "assets/obj_" + a + "/model.glb";
        byte[] data = bytes(8_000 + a * 500 + s, s * 10 + a);
        store.write(name, data, null, Map.of(), Precondition.none());
        targets.put(name, data);
      }
      byte[] image = bytes(3_000 + s, 700 + s);
      store.write(scene + "source_image.png", image, "image/png", Map.of(), Precondition.none());
      targets.put(scene + "source_image.png", image);
      store.write(
          scene + "assets/.regen3d_complete", new byte[0], null, Map.of(), Precondition.none());
    }
    return targets;
  }

  private int run(Map<String, String> env, String... argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            false);
    int code = Main.standard().run(List.of(argv), console);
    stdout = out.toString(StandardCharsets.UTF_8);
    stderr = err.toString(StandardCharsets.UTF_8);
    return code;
  }

  private String log(String name) throws IOException {
    return Files.readString(tmp.resolve(name));
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static byte[] bytes(int size, int seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }
}
