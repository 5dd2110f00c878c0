package dev.scenegate.backfill;

import dev.scenegate.storage.CompareAndSet;
import dev.scenegate.storage.ObjectContent;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.PreconditionFailedException;
import java.io.IOException;
import java.util.Optional;

/**
 * A checkpoint kept as an object in the bucket (default {@link Checkpoint#objectName}). Every write
 * is a compare-and-set on the generation this run last saw, so two runs of the same task cannot
 * silently overwrite each other's progress: a lost race is not retried but ends the run ({@link
 * CheckpointConflictException}).
 */
public final class ObjectCheckpointStore implements CheckpointStore {
  static final int MAX_BYTES = 64 * 1024 * 1024;

  private final ObjectStore store;
  private final CompareAndSet documents;
  private final String name;
  private long generation;

  public ObjectCheckpointStore(ObjectStore store, String name) {
    this.store = store;
    this.documents = CompareAndSet.json(store);
    this.name = name;
  }

  @Override
  public synchronized Optional<Checkpoint> read() throws IOException {
    Optional<ObjectContent> current = documents.read(name, MAX_BYTES);
    generation = current.map(ObjectContent::generation).orElse(0L);
    return current.isEmpty() ? Optional.empty() : Checkpoint.parse(current.get().bytes());
  }

  @Override
  public synchronized void write(Checkpoint checkpoint) throws IOException {
    try {
      generation = documents.write(name, checkpoint.toBytes(), generation).generation();
    } catch (PreconditionFailedException e) {
      throw new CheckpointConflictException(store.describe(name));
    }
  }

  @Override
  public String describe() {
    return store.describe(name);
  }
}
