package dev.scenegate.backfill;

import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.storage.PreconditionFailedException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.Optional;

/**
 * A checkpoint kept as an object in the bucket (default {@link Checkpoint#objectName}). Every write
 * is a compare-and-set on the generation this run last saw, so two runs of the same task cannot
 * silently overwrite each other's progress.
 */
public final class ObjectCheckpointStore implements CheckpointStore {
  static final int MAX_BYTES = 64 * 1024 * 1024;

  private final ObjectStore store;
  private final String name;
  private long generation;

  public ObjectCheckpointStore(ObjectStore store, String name) {
    this.store = store;
    this.name = name;
  }

  @Override
  public synchronized Optional<Checkpoint> read() throws IOException {
    Optional<ObjectInfo> info = store.stat(name);
    if (info.isEmpty()) {
      generation = 0;
      return Optional.empty();
    }
    generation = info.get().generation();
    try {
      return Checkpoint.parse(store.readSmall(name, generation, MAX_BYTES));
    } catch (NoSuchFileException e) {
      return read();
    }
  }

  @Override
  public synchronized void write(Checkpoint checkpoint) throws IOException {
    Precondition precondition =
        generation == 0 ? Precondition.doesNotExist() : Precondition.generationMatch(generation);
    try {
      ObjectInfo written =
          store.write(name, checkpoint.toBytes(), "application/json", Map.of(), precondition);
      generation = written.generation();
    } catch (PreconditionFailedException e) {
      throw new CheckpointConflictException(store.describe(name));
    }
  }

  @Override
  public String describe() {
    return store.describe(name);
  }
}
