package dev.scenegate.verify;

/** What verification found for one file (DESIGN: Checksum manifest). */
public enum Outcome {
  OK,
  MISSING,
  SIZE_MISMATCH,
  SHA256_MISMATCH,
  /** Only with strict verification: a file beside the manifest that it does not list. */
  UNLISTED
}
