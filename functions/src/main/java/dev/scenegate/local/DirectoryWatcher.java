package dev.scenegate.local;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Watches a folder tree for files created or replaced. A {@link WatchService} only watches single
 * directories, so every directory of the tree is registered, and directories that appear later are
 * registered as they are reported (the caller scans them, since files may land in a new directory
 * before it is registered). An {@code OVERFLOW} (events lost) is passed on so the caller rescans.
 */
final class DirectoryWatcher implements Closeable {

  /** What one poll saw. */
  sealed interface Change permits FileChanged, DirectoryCreated, Overflow {}

  /** A file was created, replaced or written to. */
  record FileChanged(Path file) implements Change {}

  /** A directory appeared (already registered, with everything below it). */
  record DirectoryCreated(Path directory) implements Change {}

  /** Events were lost; only a rescan knows what changed. */
  record Overflow() implements Change {}

  private final WatchService service;
  private final Predicate<Path> ignoredDirectory;
  private final Map<WatchKey, Path> directories = new ConcurrentHashMap<>();
  private volatile IOException registrationProblem;

  /**
   * @param ignoredDirectory directories not to watch (scenegate's own {@code _scenegate/})
   */
  DirectoryWatcher(Path root, Predicate<Path> ignoredDirectory) throws IOException {
    this.service = FileSystems.getDefault().newWatchService();
    this.ignoredDirectory = ignoredDirectory;
    registerTree(root);
  }

  /**
   * The first directory that could not be registered (e.g. the inotify watch limit), or null. The
   * caller then falls back to periodic rescans.
   */
  IOException registrationProblem() {
    return registrationProblem;
  }

  /** Registers {@code directory} and every directory below it (symlinks are not followed). */
  void registerTree(Path directory) throws IOException {
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        directory,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (ignoredDirectory.test(dir)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            register(dir);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            // Vanished or unreadable meanwhile: the next scan sees what is there.
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private void register(Path dir) {
    try {
      WatchKey key =
          dir.register(
              service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      directories.put(key, dir);
    } catch (ClosedWatchServiceException e) {
      // Stopping.
    } catch (IOException e) {
      if (registrationProblem == null) {
        registrationProblem = e;
      }
    }
  }

  /**
   * Waits up to {@code timeout} for changes and returns them (empty on timeout).
   *
   * @throws ClosedWatchServiceException once {@link #close()} was called
   */
  List<Change> poll(Duration timeout) throws InterruptedException {
    List<Change> changes = new ArrayList<>();
    WatchKey key = service.poll(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    while (key != null) {
      collect(key, changes);
      key = service.poll(); // drain what else is ready without waiting
    }
    return changes;
  }

  private void collect(WatchKey key, List<Change> changes) {
    Path dir = directories.get(key);
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        changes.add(new Overflow());
        continue;
      }
      if (dir == null || !(event.context() instanceof Path name)) {
        continue;
      }
      Path child = dir.resolve(name);
      if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE
          && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
        if (!ignoredDirectory.test(child)) {
          try {
            registerTree(child);
          } catch (IOException e) {
            // Removed again before it could be walked: nothing to watch.
          }
          changes.add(new DirectoryCreated(child));
        }
        continue;
      }
      changes.add(new FileChanged(child));
    }
    if (!key.reset()) {
      directories.remove(key); // the directory is gone
    }
  }

  @Override
  public void close() throws IOException {
    service.close();
  }
}
