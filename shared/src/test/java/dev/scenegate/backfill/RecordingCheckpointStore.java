package dev.scenegate.backfill;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps checkpoints in a real store and remembers every one written, in order. */
final class RecordingCheckpointStore implements CheckpointStore {
  final List<Checkpoint> written = new CopyOnWriteArrayList<>();
  private final CheckpointStore real;

  RecordingCheckpointStore(CheckpointStore real) {
    this.real = real;
  }

  @Override
  public Optional<Checkpoint> read() throws IOException {
    return real.read();
  }

  @Override
  public void write(Checkpoint checkpoint) throws IOException {
    written.add(checkpoint);
    real.write(checkpoint);
  }

  @Override
  public String describe() {
    return real.describe();
  }
}
