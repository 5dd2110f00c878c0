package dev.scenegate.ledger;

import dev.scenegate.storage.ObjectInfo;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One SHA-256 scenegate computed, for exactly one generation of one object. {@code crc32c} is the
 * object's as the store reported it when the bytes were read (null in the embedded default, whose
 * files have none).
 */
public record DigestRecord(
    String object,
    long generation,
    String sha256,
    long sizeBytes,
    String crc32c,
    Instant computedAt,
    String by) {

  /** Who computed a digest. */
  public static final String BY_VERIFY = "verify";

  public static final String BY_BACKFILL = "backfill";
  public static final String BY_AUDIT = "audit";

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public DigestRecord {
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(computedAt, "computedAt");
    Objects.requireNonNull(by, "by");
    if (object.isEmpty() || object.endsWith("/")) {
      throw new IllegalArgumentException("not an object name: \"" + object + "\"");
    }
    if (generation <= 0) {
      throw new IllegalArgumentException("generation must be positive: " + generation);
    }
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits: " + sha256);
    }
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("size must not be negative: " + sizeBytes);
    }
    if (by.isBlank()) {
      throw new IllegalArgumentException("by must not be blank");
    }
  }

  /** The digest of {@code info}'s generation, just computed by {@code by}. */
  public static DigestRecord of(ObjectInfo info, String sha256, String by, Instant at) {
    return new DigestRecord(
        info.name(), info.generation(), sha256, info.size(), info.crc32c(), at, by);
  }

  /**
   * True when this record describes the bytes {@code current} names, so its digest can stand in for
   * reading them: the same object and generation, and the same crc32c; where the store reports no
   * crc32c (the embedded default, whose generation is the file's modification time), the same size.
   * A record whose crc32c disagrees with the object's is never trusted, whoever wrote it.
   */
  public boolean vouchesFor(ObjectInfo current) {
    if (!object.equals(current.name())
        || generation != current.generation()
        || sizeBytes != current.size()) {
      return false;
    }
    if (current.crc32c() == null) {
      return crc32c == null;
    }
    return current.crc32c().equals(crc32c);
  }
}
