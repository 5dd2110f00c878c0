package dev.scenegate.manifest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed, validated {@code source_checksums.json}. {@code root} is informational only: nothing is
 * ever resolved through it. Entries keep the manifest's order.
 */
public record ChecksumManifest(
    String schemaVersion, String generatedAt, String root, List<ManifestEntry> files) {

  /** The standard manifest file name. */
  public static final String FILE_NAME = "source_checksums.json";

  public static final String CURRENT_SCHEMA_VERSION = "1.0";

  public ChecksumManifest {
    Objects.requireNonNull(schemaVersion, "schemaVersion");
    files = List.copyOf(files);
  }

  public static ChecksumManifest of(String generatedAt, String root, List<ManifestEntry> files) {
    return new ChecksumManifest(CURRENT_SCHEMA_VERSION, generatedAt, root, files);
  }

  /** Entries by path, in manifest order. */
  public Map<String, ManifestEntry> byPath() {
    Map<String, ManifestEntry> map = new LinkedHashMap<>();
    for (ManifestEntry entry : files) {
      map.put(entry.path(), entry);
    }
    return Collections.unmodifiableMap(map);
  }
}
