package dev.scenegate.backfill;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** A checkpoint kept in a local file ({@code --checkpoint FILE}), replaced atomically. */
public final class FileCheckpointStore implements CheckpointStore {
  private final Path file;

  public FileCheckpointStore(Path file) {
    this.file = file.toAbsolutePath().normalize();
  }

  @Override
  public Optional<Checkpoint> read() throws IOException {
    try {
      if (Files.size(file) > ObjectCheckpointStore.MAX_BYTES) {
        return Optional.empty();
      }
      return Checkpoint.parse(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void write(Checkpoint checkpoint) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(tmp, checkpoint.toBytes());
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public String describe() {
    return file.toString();
  }
}
