package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scenegate.backfill.RecordedHash;
import dev.scenegate.events.LocalEventPublisher;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.verify.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command in-process against a local folder acting as the bucket. */
class BackfillCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path bucket;
  @TempDir Path work;
  private final Map<String, byte[]> targets = new TreeMap<>();
  private ByteArrayOutputStream out;
  private ByteArrayOutputStream err;

  @BeforeEach
  void setUp() throws IOException {
    for (int s = 0; s < 8; s++) {
      String scene = "scenes/room_" + s + "/";
      target(scene + "assets/mesh.glb", 4000 + s, s);
      target(scene + "assets/tex/albedo.png", 3000, 100 + s);
      target(scene + "source_image.png", 2000, 200 + s);
      write(scene + "assets/.regen3d_complete", new byte[0]);
    }
  }

  @Test
  void helpDocumentsExitCodesAndUnits() {
    assertEquals(0, run(Map.of(), "backfill", "--help"));
    String help = text(out);
    assertTrue(help.contains("exit codes"), help);
    assertTrue(help.contains("MB = 10^6"), help);
    assertTrue(help.contains("CLOUD_RUN_TASK_INDEX"), help);
  }

  @Test
  void badInputIsExitTwoWithOneLine() throws IOException {
    String root = bucket.toString();
    assertBadInput(Map.of(), "backfill");
    assertBadInput(Map.of(), "backfill", work.resolve("nope").toString());
    assertBadInput(Map.of(), "backfill", work.toString()); // no scenes/ inside
    assertBadInput(Map.of(), "backfill", root, "--max-rate", "fast");
    assertBadInput(Map.of(), "backfill", root, "--max-rate", "0MB/s");
    assertBadInput(Map.of(), "backfill", root, "--types", "asset,model");
    assertBadInput(Map.of(), "backfill", root, "--threads", "0");
    assertBadInput(
        Map.of("CLOUD_RUN_TASK_INDEX", "3", "CLOUD_RUN_TASK_COUNT", "3"), "backfill", root);
    assertBadInput(
        Map.of("CLOUD_RUN_TASK_INDEX", "x", "CLOUD_RUN_TASK_COUNT", "3"), "backfill", root);
    assertBadInput(Map.of(), "backfill", "gs://Bad_Bucket!/scenes/");
    assertBadInput(Map.of(), "backfill", "gs://bucket/scenes/kitchen_001/assets");
    assertBadInput(Map.of(), "backfill", "gs://goog-scenes/scenes/");
    assertBadInput(Map.of(), "backfill", "");
    assertBadInput(Map.of(), "backfill", root, "--checkpoint", work.toString());
    assertTrue(text(err).contains("--checkpoint is a folder"), text(err));
    assertBadInput(Map.of(), "backfill", root, "--alerts-file", work.toString());
    assertFalse(Files.exists(bucket.resolve("_scenegate")), "bad input writes nothing");
  }

  @Test
  void jsonBadInputIsAnErrorObject() throws IOException {
    assertEquals(2, run(Map.of(), "backfill", bucket.toString(), "--json", "--types", "x"));
    JsonNode json = JSON.readTree(text(out));
    assertEquals("USAGE", json.path("error").path("kind").asText());
  }

  @Test
  void freshRunPrintsTheTableAndExitsZeroThenARerunHashesNothing() throws Exception {
    assertEquals(0, run(Map.of(), "backfill", bucket.toString(), "--threads", "2"));
    String table = text(out);
    assertTrue(table.contains("artifact type"), table);
    assertTrue(table.matches("(?s).*\\nasset\\s+16\\s+16\\s+0\\s+0\\s+0\\s+0 .*"), table);
    assertTrue(table.matches("(?s).*\\nsource_image\\s+8\\s+8\\s+0\\s+0\\s+0\\s+0 .*"), table);
    assertTrue(table.matches("(?s).*\\ntotal\\s+24\\s+24\\s+0\\s+0\\s+0\\s+0 .*"), table);
    assertTrue(table.contains("manifests created: 16"), table);
    LocalObjectStore store = new LocalObjectStore(bucket);
    for (Map.Entry<String, byte[]> t : targets.entrySet()) {
      assertEquals(
          Sha256.hex(t.getValue()), store.stat(t.getKey()).orElseThrow().metadata().get("sha256"));
    }

    JsonNode again = json(Map.of(), "backfill", bucket.toString(), "--json");
    assertEquals(0, again.path("bytes_hashed").asLong());
    assertEquals(0, again.path("updated").asLong());
    assertEquals(24, again.path("already_current").asLong());
    assertEquals(0, again.path("manifests_created").asLong());
    assertEquals(16, again.path("manifests_existing").asLong());
  }

  @Test
  void jsonSummaryCountsAreExact() throws Exception {
    Files.delete(bucket.resolve("scenes/room_3/assets/tex/albedo.png"));
    targets.remove("scenes/room_3/assets/tex/albedo.png");
    long total = targets.values().stream().mapToLong(b -> b.length).sum();

    JsonNode s = json(Map.of(), "backfill", bucket.toString(), "--json", "--threads", "3");

    assertEquals(23, s.path("scanned").asLong());
    assertEquals(23, s.path("updated").asLong());
    assertEquals(0, s.path("already_current").asLong());
    assertEquals(0, s.path("drift_events").asLong());
    assertEquals(0, s.path("skipped_no_file").asLong());
    assertEquals(0, s.path("skipped_unreadable").asLong());
    assertEquals(total, s.path("bytes_hashed").asLong());
    assertEquals(23, s.path("files_hashed").asLong());
    assertEquals(16, s.path("manifests_created").asLong());
    assertEquals(15, s.path("by_type").path("asset").path("updated").asLong());
    assertEquals(8, s.path("by_type").path("source_image").path("updated").asLong());
    assertEquals(0, s.path("skipped").size());
    assertTrue(s.path("complete").asBoolean());
    assertEquals(0, s.path("task_index").asInt());
    assertEquals(1, s.path("task_count").asInt());
  }

  @Test
  void driftExitsOneAndIsAlertedToTheAlertsFile() throws Exception {
    assertEquals(0, run(Map.of(), "backfill", bucket.toString()));
    String name = "scenes/room_5/assets/mesh.glb";
    byte[] changed = bytes(4005, 999);
    write(name, changed); // new content, new generation, same manifest
    Path alerts = work.resolve("alerts.jsonl");
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    JsonLog.redirect(new PrintStream(logs, true, StandardCharsets.UTF_8));
    int code;
    try {
      code =
          run(
              Map.of(),
              "backfill",
              bucket.toString(),
              "--json",
              "--alerts-file",
              alerts.toString());
    } finally {
      JsonLog.redirect(System.err);
    }

    assertEquals(1, code);
    // Exit 1 ends with its one-line reason, like every command's failure.
    assertEquals(
        "scenegate backfill: 1 drift event(s) (see the summary)", text(err).strip(), text(err));
    JsonNode s = JSON.readTree(text(out));
    assertEquals(1, s.path("drift_events").asLong());
    assertEquals(name, s.path("drift").get(0).path("object").asText());
    assertEquals(Sha256.hex(changed), s.path("drift").get(0).path("actual_sha256").asText());
    List<JsonNode> lines = LocalEventPublisher.read(alerts);
    assertEquals(1, lines.size());
    assertEquals("checksum-alerts", lines.get(0).path("topic").asText());
    assertEquals("drift", lines.get(0).path("data").path("kind").asText());
    assertEquals("room_5", LocalEventPublisher.attributes(lines.get(0)).get("scene_id"));
    String critical =
        logs.toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.contains("\"severity\":\"CRITICAL\""))
            .findFirst()
            .orElseThrow();
    assertTrue(critical.contains(name) && critical.contains(Sha256.hex(changed)), critical);
    // recorded now: the next run is clean (the manifest's disagreement is known, not new)
    assertEquals(
        0, run(Map.of(), "backfill", bucket.toString(), "--alerts-file", alerts.toString()));
    assertEquals(1, LocalEventPublisher.read(alerts).size());
  }

  @Test
  void cloudRunTasksShareTheScenesWithoutOverlap() throws Exception {
    int count = 3;
    long scanned = 0;
    long bytes = 0;
    for (int index = 0; index < count; index++) {
      JsonNode s =
          json(
              Map.of(
                  "CLOUD_RUN_TASK_INDEX", Integer.toString(index),
                  "CLOUD_RUN_TASK_COUNT", Integer.toString(count)),
              "backfill",
              bucket.toString(),
              "--json");
      assertEquals(index, s.path("task_index").asInt());
      scanned += s.path("scanned").asLong();
      bytes += s.path("bytes_hashed").asLong();
      assertTrue(
          Files.exists(
              bucket.resolve(
                  "_scenegate/backfill/checkpoint-" + index + "-of-" + count + ".json")));
    }
    assertEquals(targets.size(), scanned);
    assertEquals(targets.values().stream().mapToLong(b -> b.length).sum(), bytes);
    LocalObjectStore store = new LocalObjectStore(bucket);
    for (String name : targets.keySet()) {
      ObjectInfo info = store.stat(name).orElseThrow();
      assertEquals(2, info.metageneration(), "recorded exactly once: " + name);
    }
  }

  @Test
  void stopAfterThenResumeHashesEachFileOnce() throws Exception {
    long total = targets.values().stream().mapToLong(b -> b.length).sum();
    Path checkpoint = work.resolve("cp.json");

    JsonNode first =
        json(
            Map.of(),
            "backfill",
            bucket.toString(),
            "--json",
            "--threads",
            "1",
            "--checkpoint",
            checkpoint.toString(),
            "--checkpoint-every",
            "2",
            "--stop-after",
            "7");
    assertFalse(first.path("complete").asBoolean());
    assertTrue(Files.exists(checkpoint));
    long firstBytes = first.path("this_run").path("bytes_hashed").asLong();
    assertTrue(firstBytes > 0 && firstBytes < total);

    JsonNode second =
        json(
            Map.of(),
            "backfill",
            bucket.toString(),
            "--json",
            "--checkpoint",
            checkpoint.toString());
    assertTrue(second.path("complete").asBoolean());
    assertTrue(second.path("resumed").asBoolean());
    assertEquals(total, firstBytes + second.path("this_run").path("bytes_hashed").asLong());
    assertEquals(total, second.path("bytes_hashed").asLong(), "the summary covers the whole job");
    assertEquals(targets.size(), second.path("updated").asLong());
    assertEquals(targets.size(), second.path("scanned").asLong());
  }

  @Test
  void dryRunReadsAndWritesNothing() throws Exception {
    List<Path> before = listFiles();
    JsonNode s = json(Map.of(), "backfill", bucket.toString(), "--json", "--dry-run");
    assertTrue(s.path("dry_run").asBoolean());
    assertEquals(24, s.path("would_update").asLong());
    assertEquals(0, s.path("bytes_hashed").asLong());
    assertEquals(
        targets.values().stream().mapToLong(b -> b.length).sum(), s.path("bytes_to_hash").asLong());
    assertEquals(16, s.path("manifests_created").asLong());
    assertEquals(before, listFiles());
  }

  @Test
  void theScenesFolderItselfAndTypesFilterWork() throws Exception {
    JsonNode s =
        json(
            Map.of(),
            "backfill",
            bucket.resolve("scenes").toString(),
            "--json",
            "--types",
            "source_image");
    assertEquals(8, s.path("scanned").asLong());
    assertEquals(0, s.path("by_type").path("asset").path("scanned").asLong());
    assertTrue(
        new LocalObjectStore(bucket)
            .stat("scenes/room_0/assets/mesh.glb")
            .orElseThrow()
            .metadata()
            .isEmpty());
    assertTrue(
        new LocalObjectStore(bucket)
            .stat("scenes/room_0/source_image.png")
            .orElseThrow()
            .metadata()
            .containsKey(RecordedHash.SHA256));
  }

  @Test
  void progressLineIsJsonWithFilesBytesRateAndEta() throws Exception {
    BackfillProgress progress =
        BackfillProgress.lines(
            new PrintStream(new ByteArrayOutputStream()), java.time.Duration.ofHours(1));
    progress.planned(10, 4, 4_000_000);
    progress.hashed(1_000_000);
    progress.finished(null, "updated");
    JsonNode line = JSON.readTree(progress.line());
    progress.close();
    assertEquals("INFO", line.path("severity").asText());
    assertEquals(1, line.path("files_done").asLong());
    assertEquals(10, line.path("files_total").asLong());
    assertEquals(1_000_000, line.path("bytes_hashed").asLong());
    assertEquals(4_000_000, line.path("bytes_total").asLong());
    assertTrue(line.path("rate_bytes_per_second").asLong() > 0);
    assertTrue(line.path("eta_seconds").isNumber());
    assertTrue(line.path("message").asText().startsWith("backfill progress: 1/10 files"));
  }

  @Test
  void objectNamesWithControlCharactersStayOnOneTableLine() {
    assertEquals(
        "scenes/a/assets/x\\u000ay\\u001b[2J",
        BackfillTable.shown("scenes/a/assets/x\ny\u001b[2J"));
  }

  // ---- helpers ----

  private int run(Map<String, String> env, String... argv) {
    out = new ByteArrayOutputStream();
    err = new ByteArrayOutputStream();
    Map<String, String> environment = new HashMap<>(env);
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            environment,
            false);
    return Main.standard().run(List.of(argv), console);
  }

  private JsonNode json(Map<String, String> env, String... argv) throws IOException {
    int code = run(env, argv);
    assertTrue(code == 0 || code == 1, "exit " + code + ": " + text(err));
    return JSON.readTree(text(out));
  }

  private void assertBadInput(Map<String, String> env, String... argv) {
    int code = run(env, argv);
    assertEquals(2, code, String.join(" ", argv) + " -> " + text(err));
    String stderr = text(err).strip();
    assertEquals(1, stderr.lines().count(), stderr);
    assertTrue(stderr.startsWith("scenegate backfill: "), stderr);
  }

  private List<Path> listFiles() throws IOException {
    try (Stream<Path> walk = Files.walk(bucket)) {
      return new ArrayList<>(walk.sorted().toList());
    }
  }

  private void target(String name, int size, int seed) throws IOException {
    byte[] data = bytes(size, seed);
    write(name, data);
    targets.put(name, data);
  }

  private void write(String name, byte[] data) throws IOException {
    Path file = bucket.resolve(name);
    Files.createDirectories(file.getParent());
    Files.write(file, data);
  }

  private static byte[] bytes(int size, int seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  private static String text(ByteArrayOutputStream stream) {
    return stream.toString(StandardCharsets.UTF_8);
  }
}
