package dev.scenegate.regression;

/**
 * The dataset bundle, baseline or thresholds file is not what the format says (bad input, exit 2).
 * The message names the file and what is wrong with it.
 */
public final class BundleInvalidException extends Exception {
  public BundleInvalidException(String message) {
    super(message);
  }
}
