package dev.scenegate.backfill;

import dev.scenegate.storage.ObjectInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The SHA-256 recorded in an object's custom metadata. Keys (all lowercase, GCS custom metadata):
 *
 * <ul>
 *   <li>{@code sha256}: 64 lowercase hex characters
 *   <li>{@code size-bytes}: the size that was hashed
 *   <li>{@code sha256-computed-at}: UTC ISO-8601 time of hashing
 *   <li>{@code sha256-generation}: the object generation that was hashed; the record is
 *       <em>current</em> only while it equals the object's generation (and the size matches), so a
 *       rewrite that carries old metadata over is never mistaken for a hashed object
 *   <li>{@code sha256-drifted-from}: comma-separated earlier hashes this object drifted from
 *       (recorded when drift is reported, so a standing disagreement with a manifest is alerted
 *       once, not on every run)
 *   <li>{@code sha256-drift-detected-at}: when the last drift was detected
 * </ul>
 */
public record RecordedHash(
    String sha256, Long sizeBytes, Long generation, String computedAt, List<String> driftedFrom) {

  public static final String SHA256 = "sha256";
  public static final String SIZE_BYTES = "size-bytes";
  public static final String COMPUTED_AT = "sha256-computed-at";
  public static final String GENERATION = "sha256-generation";
  public static final String DRIFTED_FROM = "sha256-drifted-from";
  public static final String DRIFT_DETECTED_AT = "sha256-drift-detected-at";

  /** Earlier hashes kept in {@link #DRIFTED_FROM}; the oldest fall off. */
  static final int MAX_DRIFTED_FROM = 4;

  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  public RecordedHash {
    driftedFrom = List.copyOf(driftedFrom);
  }

  /** The recorded hash, if the metadata has a {@code sha256} key at all (valid or not). */
  public static Optional<RecordedHash> from(Map<String, String> metadata) {
    String sha = metadata.get(SHA256);
    if (sha == null) {
      return Optional.empty();
    }
    List<String> drifted = new ArrayList<>();
    String from = metadata.get(DRIFTED_FROM);
    if (from != null) {
      for (String part : from.split(",")) {
        if (!part.isBlank()) {
          drifted.add(part.trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    return Optional.of(
        new RecordedHash(
            sha.trim().toLowerCase(Locale.ROOT),
            parseLong(metadata.get(SIZE_BYTES)),
            parseLong(metadata.get(GENERATION)),
            metadata.get(COMPUTED_AT),
            drifted));
  }

  /** True when {@code sha256} is a well-formed digest (a garbage value is a stale record). */
  public boolean wellFormed() {
    return HEX64.matcher(sha256).matches();
  }

  /** True when this record was made for exactly this generation and size of the object. */
  public boolean currentFor(ObjectInfo info) {
    return wellFormed()
        && generation != null
        && generation == info.generation()
        && sizeBytes != null
        && sizeBytes == info.size();
  }

  /** The recorded value as shown in logs and alerts: trimmed so a garbage value stays short. */
  public String shown() {
    return sha256.length() > 80 ? sha256.substring(0, 80) + "..." : sha256;
  }

  /** The metadata to write for a fresh hash of {@code info}'s generation. */
  public static Map<String, String> metadataFor(
      String sha256, long size, long generation, String computedAt) {
    Map<String, String> map = new LinkedHashMap<>();
    map.put(SHA256, sha256);
    map.put(SIZE_BYTES, Long.toString(size));
    map.put(COMPUTED_AT, computedAt);
    map.put(GENERATION, Long.toString(generation));
    return map;
  }

  /** {@code previous} followed by {@code added}, without repeats, keeping the newest few. */
  public static String mergeDriftedFrom(List<String> previous, List<String> added) {
    List<String> all = new ArrayList<>();
    for (String hash : previous) {
      if (!all.contains(hash)) {
        all.add(hash);
      }
    }
    for (String hash : added) {
      if (!HEX64.matcher(hash).matches()) {
        continue; // a garbage record is logged and alerted, but not worth keeping
      }
      all.remove(hash);
      all.add(hash);
    }
    while (all.size() > MAX_DRIFTED_FROM) {
      all.remove(0);
    }
    return String.join(",", all);
  }

  private static Long parseLong(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
