package dev.scenegate.backfill;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A recorded hash that disagrees with the object's content: {@code metadataSha256} (the object's
 * earlier {@code sha256} metadata) and/or {@code manifestSha256} (the entry in {@code manifest}),
 * each null when that source agreed or had nothing.
 */
public record DriftEvent(
    String object,
    ArtifactType type,
    long generation,
    String updated,
    String mtime,
    String actualSha256,
    long sizeBytes,
    String metadataSha256,
    String manifest,
    String manifestSha256,
    String alertId) {

  /**
   * The finding's fields as the summary, the checkpoint and the drift alert all show them: the
   * content (generation, times, size, actual hash) and the recorded hashes it contradicts.
   */
  void writeFindingTo(ObjectNode node) {
    node.put("generation", Long.toString(generation));
    node.put("updated", updated);
    node.put("mtime", mtime);
    node.put("actual_sha256", actualSha256);
    node.put("size_bytes", sizeBytes);
    node.put("metadata_sha256", metadataSha256);
    node.put("manifest_sha256", manifestSha256);
  }
}
