package dev.scenegate.verify;

/**
 * One file that did not verify, with what the manifest expected and what was found. {@code
 * actualSha256} is null when the file was not hashed (missing, or its size already differed);
 * {@code actualSize} is null when it is missing.
 */
public record FileFailure(
    String path,
    Outcome kind,
    String expectedSha256,
    String actualSha256,
    long expectedSize,
    Long actualSize) {

  public static FileFailure missing(String path, String expectedSha256, long expectedSize) {
    return new FileFailure(path, Outcome.MISSING, expectedSha256, null, expectedSize, null);
  }

  public static FileFailure sizeMismatch(
      String path, String expectedSha256, long expectedSize, long actualSize) {
    return new FileFailure(
        path, Outcome.SIZE_MISMATCH, expectedSha256, null, expectedSize, actualSize);
  }

  public static FileFailure shaMismatch(
      String path, String expectedSha256, String actualSha256, long size) {
    return new FileFailure(path, Outcome.SHA256_MISMATCH, expectedSha256, actualSha256, size, size);
  }
}
