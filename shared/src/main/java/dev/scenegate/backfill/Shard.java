package dev.scenegate.backfill;

import dev.scenegate.verify.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * This task's share of the scenes when the backfill runs as a Cloud Run Job with {@code count}
 * tasks: a scene belongs to task {@code index} when the first 8 bytes of SHA-256(scene_id), read as
 * an unsigned big-endian integer, are {@code index} mod {@code count}. Stable across runs,
 * languages and task counts' restarts, so tasks need no coordination beyond the bucket.
 */
public record Shard(int index, int count) {

  public Shard {
    if (count < 1) {
      throw new IllegalArgumentException("task count must be at least 1, got " + count);
    }
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException(
          "task index must be between 0 and " + (count - 1) + ", got " + index);
    }
  }

  public static Shard of(int index, int count) {
    return new Shard(index, count);
  }

  public static Shard all() {
    return new Shard(0, 1);
  }

  public boolean owns(String sceneId) {
    return count == 1 || indexOf(sceneId, count) == index;
  }

  /** The task that owns {@code sceneId} among {@code count}. */
  public static int indexOf(String sceneId, int count) {
    byte[] digest = HexFormat.of().parseHex(Sha256.hex(sceneId.getBytes(StandardCharsets.UTF_8)));
    long prefix = ByteBuffer.wrap(digest, 0, 8).getLong();
    return (int) Long.remainderUnsigned(prefix, count);
  }
}
