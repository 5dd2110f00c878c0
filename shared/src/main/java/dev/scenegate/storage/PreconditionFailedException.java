package dev.scenegate.storage;

import java.io.IOException;

/** A write lost a compare-and-set race (HTTP 412 on GCS). Callers re-read and retry. */
public final class PreconditionFailedException extends IOException {
  private final String object;

  public PreconditionFailedException(String object, String message) {
    super(object + ": precondition failed: " + message);
    this.object = object;
  }

  public String object() {
    return object;
  }
}
