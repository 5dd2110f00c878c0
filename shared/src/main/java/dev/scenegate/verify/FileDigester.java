package dev.scenegate.verify;

import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Hashes one object at the generation it was stat'ed or listed at: one stream through the caller's
 * buffer, or, for an object above the slice threshold, concurrent ranged reads ({@link
 * SlicedDigest}). A local folder is always read as one stream: a file comes off the disk faster
 * than SHA-256 consumes it, so slices would only add copies.
 */
public final class FileDigester {
  private final ObjectStore store;
  private final SlicedDigest sliced;

  public FileDigester(ObjectStore store, SlicedDigest sliced) {
    this.store = store;
    this.sliced = sliced;
  }

  /** With the process's shared {@link SlicedDigest} (settings from the environment). */
  public static FileDigester of(ObjectStore store) {
    return new FileDigester(store, SlicedDigest.shared());
  }

  /** Whether {@code object} would be read in slices. */
  public boolean slices(ObjectInfo object) {
    return !(store instanceof LocalObjectStore) && sliced.applies(object);
  }

  /**
   * The SHA-256 of exactly {@code object.generation()}. A generation that is gone is a {@link
   * java.nio.file.NoSuchFileException}; a transfer fault a {@link
   * dev.scenegate.storage.TransientStorageException}.
   */
  public Sha256.Digest digest(ObjectInfo object, byte[] buffer, LongConsumer progress)
      throws IOException {
    if (slices(object)) {
      return sliced.digest(store, object, progress);
    }
    try (InputStream in = store.open(object.name(), object.generation())) {
      return Sha256.of(in, buffer, progress);
    }
  }
}
