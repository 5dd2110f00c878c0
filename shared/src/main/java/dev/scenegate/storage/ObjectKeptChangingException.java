package dev.scenegate.storage;

/**
 * An object replaced every time it was read ({@link ObjectStore#readCurrent}): transient, and to a
 * compare-and-set writer the same thing as a lost race.
 */
public final class ObjectKeptChangingException extends TransientStorageException {
  private final int reads;

  public ObjectKeptChangingException(String object, int reads) {
    super(object + " was replaced " + reads + " times while being read; try again later");
    this.reads = reads;
  }

  public int reads() {
    return reads;
  }
}
