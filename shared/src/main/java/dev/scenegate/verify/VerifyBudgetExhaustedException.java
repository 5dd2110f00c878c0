package dev.scenegate.verify;

import dev.scenegate.storage.TransientStorageException;

/**
 * The verification ran out of its {@link VerifyBudget} before every file was verified. What was
 * hashed is in the digest ledger; thrown as a transient fault so the platform redelivers, and the
 * redelivery continues from the ledger.
 */
public final class VerifyBudgetExhaustedException extends TransientStorageException {
  private final int filesLeft;

  public VerifyBudgetExhaustedException(String message, int filesLeft) {
    super(message);
    this.filesLeft = filesLeft;
  }

  /** Listed files not verified yet. */
  public int filesLeft() {
    return filesLeft;
  }
}
