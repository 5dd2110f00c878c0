package dev.scenegate.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The storage port: a flat namespace of objects named with '/' separators, as in a GCS bucket.
 * Adapters: {@code GcsObjectStore} (google-cloud-storage) and {@code LocalObjectStore} (a folder
 * acting as the bucket). Both honour the same contract, checked by one abstract contract test.
 */
public interface ObjectStore {

  /** Bucket name, or the folder for the local store; used in events and messages. */
  String bucket();

  /** A URI naming the object for people: {@code gs://b/o} or a file path. */
  String describe(String name);

  Optional<ObjectInfo> stat(String name) throws IOException;

  /**
   * Opens one exact generation, so an overwrite while reading cannot mix two versions. The GCS
   * adapter checks the download's CRC32C at end of stream and throws {@link
   * TransientStorageException} on a mismatch.
   */
  InputStream open(String name, long generation) throws IOException;

  /**
   * Opens {@code length} bytes from {@code offset} of exactly {@code generation} (which must be
   * positive: ranges of one object only fit together when they come from one generation). A range
   * reaching past the end stops at the end. A generation that is gone (replaced in a bucket without
   * versioning, or deleted) is a {@link java.nio.file.NoSuchFileException}, as for {@link #open}.
   * Unlike {@link #open}, nothing is checked at the end of a range: a range has no checksum of its
   * own, so the caller checks the object's CRC32C over all of them (verify/SlicedDigest).
   *
   * <p>Both adapters implement it with a ranged read; this default (open, skip, stop) exists so
   * test doubles need not.
   */
  default InputStream openRange(String name, long generation, long offset, long length)
      throws IOException {
    RangeArguments.check(generation, offset, length);
    InputStream in = open(name, generation);
    try {
      in.skipNBytes(offset);
    } catch (java.io.EOFException e) {
      // Past the end: an empty range.
      return new RangeArguments.Limited(in, 0);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
    return new RangeArguments.Limited(in, length);
  }

  /**
   * Reads a small object (a JSON report, a manifest, the state document) whole. Refuses objects
   * larger than {@code maxBytes} with an {@link ObjectTooLargeException}.
   */
  byte[] readSmall(String name, long generation, int maxBytes) throws IOException;

  /**
   * {@link #readSmall(String, long, int)} of an object just stat'ed: an adapter may skip looking it
   * up again (a gone generation is still a {@link java.nio.file.NoSuchFileException}).
   */
  default byte[] readSmall(ObjectInfo info, int maxBytes) throws IOException {
    return readSmall(info.name(), info.generation(), maxBytes);
  }

  /** How many times {@link #readCurrent} looks again when the object is replaced under it. */
  int READ_CURRENT_ATTEMPTS = 5;

  /**
   * The current generation of a small object with its bytes, or empty when there is none: a stat,
   * then a read pinned to that generation, looked at again (at most {@link #READ_CURRENT_ATTEMPTS}
   * times) when the object was replaced between the two. An object replaced every time is an {@link
   * ObjectKeptChangingException}; a deleted one is empty; one over {@code maxBytes} is an {@link
   * ObjectTooLargeException}. The one place this rule is written: both adapters (and test doubles)
   * get it from here, built on their {@code stat} and {@code readSmall}.
   */
  default Optional<ObjectContent> readCurrent(String name, int maxBytes) throws IOException {
    for (int attempt = 1; attempt <= READ_CURRENT_ATTEMPTS; attempt++) {
      Optional<ObjectInfo> info = stat(name);
      if (info.isEmpty()) {
        return Optional.empty();
      }
      if (info.get().size() > maxBytes) {
        throw new ObjectTooLargeException(describe(name), info.get().size(), maxBytes);
      }
      try {
        return Optional.of(new ObjectContent(info.get(), readSmall(info.get(), maxBytes)));
      } catch (java.nio.file.NoSuchFileException e) {
        // Replaced or deleted between the stat and the read: look again.
      }
    }
    throw new ObjectKeptChangingException(describe(name), READ_CURRENT_ATTEMPTS);
  }

  /**
   * Every object whose name starts with {@code prefix} (plain string prefix, recursive), sorted by
   * name.
   */
  List<ObjectInfo> list(String prefix) throws IOException;

  /**
   * Writes {@code data} under {@code name} if {@code precondition} holds; throws {@link
   * PreconditionFailedException} if it does not. Every write makes a new generation, which starts
   * with exactly {@code metadata} (empty values dropped) at metageneration 1.
   */
  ObjectInfo write(
      String name,
      byte[] data,
      String contentType,
      Map<String, String> metadata,
      Precondition precondition)
      throws IOException;

  /**
   * Deletes the object if its generation is still {@code ifGenerationMatch}; throws {@link
   * PreconditionFailedException} if it is not, and {@link java.nio.file.NoSuchFileException} if
   * there is no such object. Both adapters implement it; the default exists only so test doubles
   * that never delete need not.
   */
  default void delete(String name, long ifGenerationMatch) throws IOException {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot delete");
  }

  /**
   * Merges {@code metadata} into the object's custom metadata if its metageneration is still {@code
   * ifMetagenerationMatch}; throws {@link PreconditionFailedException} otherwise. A key mapped to
   * null or to the empty string is removed (stores never report empty values). The content
   * generation does not change.
   */
  ObjectInfo updateMetadata(String name, Map<String, String> metadata, long ifMetagenerationMatch)
      throws IOException;

  /**
   * Throws {@link PathEscapesException} when {@code name} resolves outside {@code root} (for the
   * local store: through a symlink). GCS has no links, so its adapter accepts every name.
   */
  default void checkContained(String root, String name) throws IOException {}
}
