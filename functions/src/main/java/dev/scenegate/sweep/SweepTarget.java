package dev.scenegate.sweep;

import picocli.CommandLine.Option;

/**
 * Which bucket a sweep command works on, declared once for {@code reconcile}, {@code redrive} and
 * {@code sweep} (mixed in with {@code @Mixin}): the data bucket, whose markers are listed (scene
 * states live where the marker function keeps them: {@code STATE_BUCKET}, {@code STATE_PREFIX}), or
 * a local folder acting as the bucket, as in local mode.
 */
public final class SweepTarget {
  @Option(
      names = "--bucket",
      paramLabel = "B",
      description =
          "the data bucket on Cloud Storage, B or gs://B (overrides DATA_BUCKET;"
              + " STORAGE_EMULATOR_HOST honoured)")
  String bucket;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "a local folder acting as the bucket (local mode)")
  String dir;

  public String bucket() {
    return bucket;
  }

  public String dir() {
    return dir;
  }
}
