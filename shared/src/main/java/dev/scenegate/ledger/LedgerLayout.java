package dev.scenegate.ledger;

/**
 * Where a record lives: one document per shard, the first three segments of the object's folder
 * ({@code scenes/kitchen_001/assets/}), so a manifest's files share one document and verifying a
 * manifest costs one ledger read, while scenes and stages never contend for one document.
 */
final class LedgerLayout {
  /** Segments of an object's folder that name its shard. */
  static final int SHARD_DEPTH = 3;

  static final String DOCUMENT = "digests.json";

  private LedgerLayout() {}

  /** The shard of an object: its folder cut to {@link #SHARD_DEPTH} segments ("" at the root). */
  static String shardOf(String object) {
    return shardOfFolder(object.substring(0, object.lastIndexOf('/') + 1));
  }

  /**
   * The shard holding a folder ({@code a/b/} or "" for the root), or the folder itself when
   * shorter.
   */
  static String shardOfFolder(String folder) {
    int end = 0;
    for (int segments = 0; segments < SHARD_DEPTH; segments++) {
      int slash = folder.indexOf('/', end);
      if (slash < 0) {
        break;
      }
      end = slash + 1;
    }
    return folder.substring(0, end);
  }

  /** True when a folder lies within one shard (it has at least {@link #SHARD_DEPTH} segments). */
  static boolean withinOneShard(String folder) {
    return segments(folder) >= SHARD_DEPTH;
  }

  private static int segments(String folder) {
    int count = 0;
    for (int i = 0; i < folder.length(); i++) {
      if (folder.charAt(i) == '/') {
        count++;
      }
    }
    return count;
  }
}
