package dev.scenegate.storage;

import java.io.IOException;

/** A path that leads out of the folder it was given relative to (through a symlink, say). */
public final class PathEscapesException extends IOException {
  public PathEscapesException(String path, String message) {
    super(path + ": " + message);
  }
}
