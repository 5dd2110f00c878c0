package dev.scenegate.cli;

import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectStore;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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
    Path path;
    try {
      path = Path.of(given).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw CliException.usage("invalid path " + given);
    }
    if (Files.isDirectory(path)) {
      return new Target(given, new LocalObjectStore(path), ChecksumManifest.FILE_NAME);
    }
    if (Files.isRegularFile(path)) {
      return new Target(
          given, new LocalObjectStore(path.getParent()), path.getFileName().toString());
    }
    if (path.getParent() != null && Files.isDirectory(path.getParent())) {
      // A manifest path that does not exist: MANIFEST_MISSING, reported by the verifier.
      return new Target(
          given, new LocalObjectStore(path.getParent()), path.getFileName().toString());
    }
    throw new CliException(
        ExitCodes.BAD_INPUT, "MANIFEST_MISSING", "no such file or folder: " + given);
  }
}
