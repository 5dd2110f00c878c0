package dev.scenegate.cli;

import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A verification target resolved to a store and the manifest object in it: a local folder holding
 * {@code source_checksums.json}, a local manifest file, or {@code gs://bucket/prefix}.
 */
public record Target(String given, ObjectStore store, String manifestObject) {

  /** Resolves a local target; {@code gs://} targets go through {@link GcsTargets}. */
  public static Target resolve(String given, Console console) throws CliException {
    if (given.startsWith("gs://")) {
      return GcsTargets.resolve(given, console);
    }
    Path path = LocalPaths.of(given, "TARGET");
    Path folder;
    Path manifest;
    if (Files.isDirectory(path)) {
      folder = path;
      manifest = path.resolve(ChecksumManifest.FILE_NAME);
    } else if (Files.exists(path) || Files.isSymbolicLink(path)) {
      folder = path.getParent();
      manifest = path;
    } else {
      throw new CliException(
          ExitCodes.BAD_INPUT, "MANIFEST_MISSING", "no such file or folder: " + given);
    }
    if (Files.exists(manifest) && !Files.isRegularFile(manifest)) {
      // A folder (or device, or pipe) where the manifest file should be.
      throw new CliException(
          ExitCodes.BAD_INPUT, "MANIFEST_INVALID", manifest + " is not a regular file");
    }
    if (Files.isSymbolicLink(manifest) && !Files.exists(manifest)) {
      throw new CliException(
          ExitCodes.BAD_INPUT, "MANIFEST_MISSING", manifest + " is a dangling symlink");
    }
    // A folder without a manifest is reported by the verifier as MANIFEST_MISSING.
    return new Target(given, new LocalObjectStore(folder), manifest.getFileName().toString());
  }

  /** The manifest as people should see it: a file path or a gs:// URI. */
  public String manifestDescription() {
    return store.describe(manifestObject);
  }
}
