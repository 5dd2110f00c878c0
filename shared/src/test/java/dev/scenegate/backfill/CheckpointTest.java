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
