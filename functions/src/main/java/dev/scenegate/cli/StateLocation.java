package dev.scenegate.cli;

import picocli.CommandLine.Option;

/**
 * Where scene state documents are read from, declared once for every command that reads them
 * ({@code status}, {@code scenes}, {@code board}) and mixed into each with {@code @Mixin}.
 */
public final class StateLocation {
  @Option(
      names = "--bucket",
      paramLabel = "B",
      description =
          "the state bucket on Cloud Storage, B or gs://B (STORAGE_EMULATOR_HOST honoured)")
  String bucket;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "a local folder acting as the bucket (local mode)")
  String dir;

  @Option(
      names = "--state-prefix",
      paramLabel = "P",
      description = "folder of the state documents (default _scenegate/state/)")
  String statePrefix;

  public String bucket() {
    return bucket;
  }

  public String dir() {
    return dir;
  }

  /** The prefix given, or null for the default. */
  public String statePrefix() {
    return statePrefix;
  }
}
