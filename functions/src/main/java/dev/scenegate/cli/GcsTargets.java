package dev.scenegate.cli;

/** Resolves {@code gs://bucket/prefix} targets; the GCS adapter plugs in here. */
final class GcsTargets {
  private GcsTargets() {}

  static Target resolve(String given, Console console) throws CliException {
    throw CliException.usage("gs:// targets are not supported by this build: " + given);
  }
}
