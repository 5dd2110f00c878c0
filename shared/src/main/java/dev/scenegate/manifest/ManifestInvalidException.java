package dev.scenegate.manifest;

/**
 * A manifest rejected whole: not JSON, unknown major schema version, a bad digest or size, a
 * duplicate key, no files, or a path that could leave its folder. The message names the entry.
 */
public final class ManifestInvalidException extends Exception {
  private final String source;

  public ManifestInvalidException(String source, String message) {
    super(source + ": " + message);
    this.source = source;
  }

  public String source() {
    return source;
  }
}
