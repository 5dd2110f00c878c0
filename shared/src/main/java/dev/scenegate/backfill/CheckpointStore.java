package dev.scenegate.backfill;

import java.io.IOException;
import java.util.Optional;

/** Where a backfill task keeps its {@link Checkpoint}: an object in the bucket or a local file. */
public interface CheckpointStore {

  /** The checkpoint, or empty when there is none (or it is unreadable: a fresh start). */
  Optional<Checkpoint> read() throws IOException;

  /**
   * Replaces the checkpoint.
   *
   * @throws CheckpointConflictException when another run wrote it since this one read it
   */
  void write(Checkpoint checkpoint) throws IOException;

  /** Where it lives, for messages. */
  String describe();

  /** Keeps nothing: every run starts from the beginning (dry runs, tests). */
  static CheckpointStore none() {
    return new CheckpointStore() {
      @Override
      public Optional<Checkpoint> read() {
        return Optional.empty();
      }

      @Override
      public void write(Checkpoint checkpoint) {}

      @Override
      public String describe() {
        return "(none)";
      }
    };
  }
}
