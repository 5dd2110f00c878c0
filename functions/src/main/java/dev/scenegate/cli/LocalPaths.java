package dev.scenegate.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** A local path given on the command line, absolute and normalised, or a usage error saying why. */
final class LocalPaths {
  private LocalPaths() {}

  /**
   * @param what how the command calls the argument in messages ("TARGET", "--out")
   */
  static Path of(String given, String what) throws CliException {
    try {
      return Path.of(given).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      // Under a non-UTF-8 locale Java cannot name "obj_ü": Main.describe says how to fix that.
      throw CliException.usage(
          what + ": invalid path '" + Main.oneLine(given) + "': " + Main.describe(e));
    }
  }
}
