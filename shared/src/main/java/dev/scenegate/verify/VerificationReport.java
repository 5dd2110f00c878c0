package dev.scenegate.verify;

import java.util.List;

/**
 * The result of verifying one manifest. {@code ok} is true when every listed file verified and,
 * under strict verification, nothing unlisted was found.
 */
public record VerificationReport(
    String manifest,
    int filesChecked,
    long bytesHashed,
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
