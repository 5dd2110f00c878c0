package dev.scenegate.verify;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Some listed file cannot be hashed within any one {@link VerifyBudget} (DESIGN: one object too
 * large for one budget is reported, never retried forever). Not transient: a redelivery would be
 * cut off again. Only a verification with a limited budget throws it.
 */
public final class VerifyBudgetTooSmallException extends IOException {
  private final List<OversizedFile> files;
  private final Duration budget;

  public VerifyBudgetTooSmallException(
      String manifest, Duration budget, List<OversizedFile> files) {
    super(
        manifest
            + ": "
            + files.size()
            + (files.size() == 1 ? " file" : " files")
            + " cannot be hashed within the verification budget of "
            + budget
            + " (first: "
            + files.get(0).path()
            + ", "
            + files.get(0).sizeBytes()
            + " bytes); raise VERIFY_BUDGET and the function timeout");
    this.files = List.copyOf(files);
    this.budget = budget;
  }

  public List<OversizedFile> files() {
    return files;
  }

  public Duration budget() {
    return budget;
  }
}
