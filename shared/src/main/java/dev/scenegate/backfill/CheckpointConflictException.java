package dev.scenegate.backfill;

import java.io.IOException;

/** Two runs of the same task are writing one checkpoint: the later one stops rather than race. */
final class CheckpointConflictException extends IOException {
  public CheckpointConflictException(String where) {
    super(
        "checkpoint "
            + where
            + " was written by another run of the same task; stop that run or pass --restart");
  }
}
