package dev.scenegate.verify;

import dev.scenegate.manifest.ChecksumManifest;
import java.util.Objects;

/**
 * A manifest as read at one generation (DESIGN: every read that decides a verdict is pinned). The
 * generation is 0 when the manifest did not come from the store (parsed by the caller).
 */
public record ManifestVersion(ChecksumManifest manifest, long generation) {
  public ManifestVersion {
    Objects.requireNonNull(manifest, "manifest");
  }
}
