package dev.scenegate.backfill;

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
    String alertId) {}
