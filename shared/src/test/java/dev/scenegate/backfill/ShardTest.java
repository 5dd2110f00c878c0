package dev.scenegate.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardTest {

  @Test
  void everySceneBelongsToExactlyOneTask() {
    for (int count : new int[] {1, 2, 3, 7, 64}) {
      for (int s = 0; s < 500; s++) {
        String scene = "scene_" + s;
        long owners = IntStream.range(0, count).filter(i -> Shard.of(i, count).owns(scene)).count();
        assertEquals(1, owners, scene + " of " + count);
      }
    }
  }

  @Test
  void theOwnerIsStable() {
    // first 8 bytes of sha256("kitchen_001") as unsigned, mod 10 (pinned: tasks of an older run
    // and a newer one must agree)
    assertEquals(Shard.indexOf("kitchen_001", 10), Shard.indexOf("kitchen_001", 10));
    assertEquals(
        Long.remainderUnsigned(Long.parseUnsignedLong("7d9ce90821d91c5a", 16), 10),
        (long) Shard.indexOf("kitchen_001", 10));
  }

  @Test
  void spreadsScenesAcrossTasks() {
    int[] perTask = new int[4];
    for (int s = 0; s < 4000; s++) {
      perTask[Shard.indexOf("scene_" + s, 4)]++;
    }
    for (int n : perTask) {
      assertTrue(n > 800 && n < 1200, "uneven: " + java.util.Arrays.toString(perTask));
    }
  }

  @Test
  void rejectsAnIndexOutsideTheCount() {
    assertThrows(IllegalArgumentException.class, () -> Shard.of(3, 3));
    assertThrows(IllegalArgumentException.class, () -> Shard.of(-1, 3));
    assertThrows(IllegalArgumentException.class, () -> Shard.of(0, 0));
  }
}
