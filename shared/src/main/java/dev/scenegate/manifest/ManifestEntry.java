package dev.scenegate.manifest;

import java.util.Objects;

/** One file of a checksum manifest: its path relative to the manifest's folder, digest, size. */
public record ManifestEntry(String path, String sha256, long sizeBytes) {
  public ManifestEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(sha256, "sha256");
  }

  public static ManifestEntry of(String path, String sha256, long sizeBytes) {
    return new ManifestEntry(path, sha256, sizeBytes);
  }
}
