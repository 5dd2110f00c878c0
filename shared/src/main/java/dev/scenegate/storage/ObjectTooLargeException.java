package dev.scenegate.storage;

import java.io.IOException;

/** A small-object read met an object over its cap: bad input, not a transient fault. */
public final class ObjectTooLargeException extends IOException {
  public ObjectTooLargeException(String object, long size, int maxBytes) {
    super(object + " is " + size + " bytes, over the " + maxBytes + "-byte limit");
  }
}
