package dev.scenegate.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.storage.LocalObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir Path root;

  private Checkpoint sample(boolean complete) {
    Tally tally = new Tally();
    tally.add(ArtifactType.ASSET, new Counts(3, 2, 1, 0, 1, 0, 0, 0, 0, 2, 200, 0));
    tally.skipped.add(
        new Skipped("scenes/a/assets/x", ArtifactType.ASSET, Skipped.NO_FILE, "gone"));
    tally.manifestsCreated.add("scenes/a/assets/source_checksums.json");
    tally.manifestsExisting = 4;
    return new Checkpoint(
        "/bucket/scenes/",
        List.of(ArtifactType.ASSET, ArtifactType.SOURCE_IMAGE),
        Shard.of(1, 3),
        Position.of(ArtifactType.ASSET, "scenes/a/assets/w"),
        List.of("scenes/a/assets/z"),
        complete,
        "2026-05-20T00:00:00Z",
        "2026-05-20T00:01:00Z",
        tally);
  }

  /** A checkpoint as the released version wrote it (no execution field). */
  private static final String RELEASED =
      """
      {
        "schema_version" : "1.0",
        "target" : "gs://data/scenes/",
        "types" : [ "asset", "source_image" ],
        "task_index" : 1,
        "task_count" : 3,
        "position" : { "type" : "asset", "name" : "scenes/a/assets/w" },
        "done_beyond" : [ "scenes/a/assets/z" ],
        "complete" : false,
        "started_at" : "2026-05-20T00:00:00Z",
        "updated_at" : "2026-05-20T00:01:00Z",
        "totals" : {
          "scanned" : 3, "updated" : 2, "already_current" : 1, "would_update" : 0,
          "drift_events" : 1, "known_drift" : 0, "skipped_no_file" : 0,
          "skipped_unreadable" : 0, "skipped_alert_failed" : 0, "files_hashed" : 2,
          "bytes_hashed" : 200, "bytes_to_hash" : 0,
          "manifests_created" : 0, "manifests_existing" : 4,
          "by_type" : { "asset" : { "scanned" : 3, "updated" : 2, "already_current" : 1,
            "would_update" : 0, "drift_events" : 1, "known_drift" : 0, "skipped_no_file" : 0,
            "skipped_unreadable" : 0, "skipped_alert_failed" : 0, "files_hashed" : 2,
            "bytes_hashed" : 200, "bytes_to_hash" : 0 } },
          "skipped" : [ ],
          "drift" : [ { "object" : "scenes/a/assets/x", "type" : "asset", "generation" : "17",
            "updated" : "2026-05-19T00:00:00Z", "mtime" : null, "actual_sha256" : "aa",
            "size_bytes" : 100, "metadata_sha256" : "bb", "manifest" : null,
            "manifest_sha256" : null, "alert_id" : "0123" } ],
          "manifests" : { "created" : [ ], "not_created" : [ ], "invalid" : [ ] }
        }
      }
      """;

  @Test
  void aCheckpointWrittenByTheReleasedVersionStillLoadsAndResumes() {
    Checkpoint parsed =
        Checkpoint.parse(RELEASED.getBytes(java.nio.charset.StandardCharsets.UTF_8)).orElseThrow();
    assertTrue(
        parsed.resumableBy(
            "gs://data/scenes/",
            List.of(ArtifactType.ASSET, ArtifactType.SOURCE_IMAGE),
            Shard.of(1, 3)));
    assertEquals(Position.of(ArtifactType.ASSET, "scenes/a/assets/w"), parsed.position());
    assertEquals(1, parsed.tally().total().driftEvents());
    assertEquals("bb", parsed.tally().drift.get(0).metadataSha256());
    assertEquals(17, parsed.tally().drift.get(0).generation());
    assertEquals(null, parsed.execution());
    // written back, it is the same checkpoint
    byte[] again = parsed.toBytes();
    assertEquals(
        new String(again, java.nio.charset.StandardCharsets.UTF_8),
        new String(
            Checkpoint.parse(again).orElseThrow().toBytes(),
            java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void roundTripsThroughJson() {
    Checkpoint parsed = Checkpoint.parse(sample(false).toBytes()).orElseThrow();
    assertEquals(Position.of(ArtifactType.ASSET, "scenes/a/assets/w"), parsed.position());
    assertEquals(List.of("scenes/a/assets/z"), parsed.doneBeyond());
    assertEquals(Shard.of(1, 3), parsed.shard());
    assertEquals(2, parsed.tally().total().updated());
    assertEquals(200, parsed.tally().total().bytesHashed());
    assertEquals(1, parsed.tally().skipped.size());
    assertEquals(4, parsed.tally().manifestsExisting);
    assertTrue(
        parsed.resumableBy(
            "/bucket/scenes/",
            List.of(ArtifactType.ASSET, ArtifactType.SOURCE_IMAGE),
            Shard.of(1, 3)));
    assertFalse(parsed.resumableBy("/bucket/scenes/", List.of(ArtifactType.ASSET), Shard.of(1, 3)));
    assertFalse(
        parsed.resumableBy(
            "/bucket/scenes/",
            List.of(ArtifactType.ASSET, ArtifactType.SOURCE_IMAGE),
            Shard.of(1, 4)));
    assertFalse(
        Checkpoint.parse(sample(true).toBytes())
            .orElseThrow()
            .resumableBy(
                "/bucket/scenes/",
                List.of(ArtifactType.ASSET, ArtifactType.SOURCE_IMAGE),
                Shard.of(1, 3)));
  }

  @Test
  void garbageIsNoCheckpoint() {
    assertTrue(Checkpoint.parse("not json".getBytes(StandardCharsets.UTF_8)).isEmpty());
    assertTrue(
        Checkpoint.parse("{\"schema_version\":\"9\"}".getBytes(StandardCharsets.UTF_8)).isEmpty());
  }

  @Test
  void anObjectCheckpointRefusesToOverwriteAnotherRunsProgress() throws Exception {
    LocalObjectStore store = new LocalObjectStore(root);
    ObjectCheckpointStore mine =
        new ObjectCheckpointStore(store, Checkpoint.objectName(Shard.of(1, 3)));
    ObjectCheckpointStore theirs =
        new ObjectCheckpointStore(store, Checkpoint.objectName(Shard.of(1, 3)));
    assertTrue(mine.read().isEmpty());
    assertTrue(theirs.read().isEmpty());
    mine.write(sample(false));
    assertThrows(CheckpointConflictException.class, () -> theirs.write(sample(false)));
    mine.write(sample(true)); // its own generation still matches
    assertTrue(theirs.read().orElseThrow().complete());
  }
}
