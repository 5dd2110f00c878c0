package dev.scenegate.verify;

import java.util.Map;

/**
 * When and how a large object is read as concurrent ranged reads ({@link SlicedDigest}). One
 * download stream from Cloud Storage runs at about 200 MiB/s while SHA-256 hashes several times
 * faster, so an object above {@code thresholdBytes} is read as slices of {@code sliceBytes}, at
 * most {@code streams} downloads at a time. Memory: {@link #buffers()} slice buffers for the whole
 * process, i.e. {@link #memoryBudgetBytes()} (36 MiB with the defaults).
 *
 * @param thresholdBytes objects larger than this are sliced
 * @param sliceBytes bytes per ranged read and per buffer
 * @param streams ranged reads in flight (I/O threads), independent of the hashing threads
 */
public record SliceSettings(long thresholdBytes, int sliceBytes, int streams) {
  public static final long DEFAULT_THRESHOLD_BYTES = 64L * 1024 * 1024;
  public static final int DEFAULT_SLICE_BYTES = 4 * 1024 * 1024;
  public static final int DEFAULT_STREAMS = 8;

  /** Environment variables that override the defaults (whole numbers; bytes for sizes). */
  public static final String THRESHOLD_ENV = "SLICE_THRESHOLD_BYTES";

  public static final String SLICE_BYTES_ENV = "SLICE_BYTES";
  public static final String STREAMS_ENV = "SLICE_STREAMS";

  public SliceSettings {
    if (thresholdBytes < 0) {
      throw new IllegalArgumentException("slice threshold must be >= 0: " + thresholdBytes);
    }
    if (sliceBytes < 1) {
      throw new IllegalArgumentException("slice size must be >= 1: " + sliceBytes);
    }
    if (streams < 1) {
      throw new IllegalArgumentException("slice streams must be >= 1: " + streams);
    }
  }

  public static SliceSettings defaults() {
    return new SliceSettings(DEFAULT_THRESHOLD_BYTES, DEFAULT_SLICE_BYTES, DEFAULT_STREAMS);
  }

  /** The defaults, each overridden by its variable when set; a bad value names the variable. */
  public static SliceSettings fromEnvironment(Map<String, String> env) {
    long threshold = number(env, THRESHOLD_ENV, DEFAULT_THRESHOLD_BYTES);
    long slice = number(env, SLICE_BYTES_ENV, DEFAULT_SLICE_BYTES);
    long streams = number(env, STREAMS_ENV, DEFAULT_STREAMS);
    if (slice > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(SLICE_BYTES_ENV + " is too large: " + slice);
    }
    if (streams > 1024) {
      throw new IllegalArgumentException(STREAMS_ENV + " is too large: " + streams);
    }
    try {
      return new SliceSettings(threshold, (int) slice, (int) streams);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "bad "
              + THRESHOLD_ENV
              + "/"
              + SLICE_BYTES_ENV
              + "/"
              + STREAMS_ENV
              + ": "
              + e.getMessage());
    }
  }

  /**
   * Slice buffers: one per stream, and one more so every stream keeps downloading while the hashing
   * thread consumes the oldest slice.
   */
  public int buffers() {
    return streams + 1;
  }

  public long memoryBudgetBytes() {
    return (long) buffers() * sliceBytes;
  }

  private static long number(Map<String, String> env, String name, long fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(value.strip().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " is not a whole number: " + value);
    }
  }
}
