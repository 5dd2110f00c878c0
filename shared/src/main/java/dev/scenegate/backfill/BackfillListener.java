package dev.scenegate.backfill;

/** Hears a backfill's progress (for a progress bar or periodic log lines). Must be thread-safe. */
public interface BackfillListener {

  /**
   * Once, after listing: objects this run will look at, how many of them need hashing, and their
   * bytes.
   */
  default void planned(long objects, long filesToHash, long bytesToHash) {}

  /** Every chunk hashed, from the hashing threads. */
  default void hashed(long bytes) {}

  /** Every object finished, with its outcome ({@code updated}, {@code current}, ...). */
  default void finished(Artifact artifact, String outcome) {}

  static BackfillListener none() {
    return new BackfillListener() {};
  }
}
