package dev.scenegate.storage;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a stat of one object returns. {@code generation} changes whenever content changes; {@code
 * metageneration} whenever metadata changes. {@code crc32c} and {@code md5} are base64 as GCS
 * reports them, or null where the store does not know them.
 */
public record ObjectInfo(
    String name,
    long size,
    long generation,
    long metageneration,
    String crc32c,
    String md5,
    Instant updated,
    Map<String, String> metadata) {

  public ObjectInfo {
    Objects.requireNonNull(name, "name");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  public static ObjectInfo of(String name, long size, long generation) {
    return new ObjectInfo(name, size, generation, 1, null, null, null, Map.of());
  }
}
