package dev.scenegate.verify;

/** The manifest a verification was asked for does not exist. */
public final class ManifestMissingException extends Exception {
  public ManifestMissingException(String where) {
    super("no manifest at " + where);
  }
}
