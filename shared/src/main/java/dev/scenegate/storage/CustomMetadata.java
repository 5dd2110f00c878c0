package dev.scenegate.storage;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The port's one rule for custom metadata, shared by both adapters: an empty (or null) value is no
 * value. Writes drop such keys, metadata updates remove them, and stats never report them
 * (fake-gcs-server keeps a removed key as "").
 */
final class CustomMetadata {
  private CustomMetadata() {}

  static boolean absent(String value) {
    return value == null || value.isEmpty();
  }

  /** {@code metadata} (null: none) without its empty values, in its own order. */
  static Map<String, String> withoutEmptyValues(Map<String, String> metadata) {
    Map<String, String> kept = new LinkedHashMap<>();
    if (metadata != null) {
      metadata.forEach(
          (k, v) -> {
            if (!absent(v)) {
              kept.put(k, v);
            }
          });
    }
    return kept;
  }
}
