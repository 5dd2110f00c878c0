package dev.scenegate.verify;

import java.util.List;

/**
 * The result of verifying one manifest. {@code ok} is true when every listed file verified and,
 * under strict verification, nothing unlisted was found. {@code manifestGeneration}: the generation
 * of the manifest read (0 when the caller parsed it); {@code bytesHashed}: read and hashed now;
 * {@code bytesReused}: taken from the digest ledger without reading a byte.
 */
public record VerificationReport(
    String manifest,
    long manifestGeneration,
    int filesChecked,
    long bytesHashed,
    long bytesReused,
    long durationMs,
    List<FileFailure> failures,
    List<String> unlisted) {

  public VerificationReport {
    failures = List.copyOf(failures);
    unlisted = List.copyOf(unlisted);
  }

  public boolean ok() {
    return failures.isEmpty() && unlisted.isEmpty();
  }
}
