package dev.scenegate.verify;

/**
 * The manifest generation a delivery names is gone (replaced in a bucket without versioning, or
 * deleted): the delivery is superseded and decides nothing (DESIGN, pinned reads).
 */
public final class ManifestSupersededException extends Exception {
  private final long generation;

  public ManifestSupersededException(String where, long generation) {
    super(where + "#" + generation + " is gone: replaced or deleted since its event");
    this.generation = generation;
  }

  public long generation() {
    return generation;
  }
}
