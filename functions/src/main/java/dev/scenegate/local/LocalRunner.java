package dev.scenegate.local;

import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.Trigger;
import dev.scenegate.retry.Backoff;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.verify.VerifyBudgetExhaustedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The embedded default: a folder acts as the bucket. Every file created or replaced under it
 * becomes a finalize event for the very same {@link MarkerHandler} the Cloud Function uses, with
 * the file's modification time (µs) as its generation. Files are found by a scan (at start-up, so
 * nothing written while scenegate was down is missed, and after a watcher overflow) and by a
 * recursive {@link DirectoryWatcher}. A file is handed over once its size and generation have held
 * still for the settle time, so a half-written file is not processed. The handler's idempotency
 * (bucket/object#generation) is what makes a restart redo nothing.
 *
 * <p>Not thread-safe: one thread runs {@link #runOnce()} or {@link #watch()}; {@link #stop()} may
 * be called from any thread (a shutdown hook).
 */
public final class LocalRunner {
  /** scenegate's own folder under the root (state, object metadata, events.jsonl): never fed. */
  public static final String OWN_FOLDER = "_scenegate";

  /** LocalObjectStore writes through temporary siblings with this prefix, then renames them. */
  private static final String STORE_TMP_PREFIX = ".scenegate-tmp-";

  /**
   * @param settle how long a file must hold still before it is handled
   * @param onceAttempts attempts per file in {@link #runOnce()} before it is reported unprocessed
   * @param retryCeiling longest wait between attempts after a transient fault
   * @param fallbackRescan rescan interval when the watcher could not register every directory
   */
  public record Options(
      Duration settle, int onceAttempts, Duration retryCeiling, Duration fallbackRescan) {
    public static Options defaults() {
      return new Options(Duration.ofMillis(150), 4, Duration.ofSeconds(30), Duration.ofSeconds(2));
    }

    public Options withSettle(Duration settle) {
      return new Options(settle, onceAttempts, retryCeiling, fallbackRescan);
    }

    public Options withOnceAttempts(int attempts) {
      return new Options(settle, attempts, retryCeiling, fallbackRescan);
    }
  }

  /** What the runner reports besides the events the handler publishes. */
  public interface Listener {
    /** A transient fault; the file is tried again after {@code retryIn}. */
    default void retrying(String object, Exception error, int attempt, Duration retryIn) {}

    /** {@link #runOnce()} gave up on a file after its attempts. */
    default void gaveUp(String object, Exception error, int attempts) {}

    /** The watcher could not register every directory; periodic rescans stand in. */
    default void watchDegraded(IOException problem) {}
  }

  /** One file the runner could not get processed, with the last reason. */
  public record Unprocessed(String object, String reason) {}

  /**
   * What the runner handled so far (counts add up over calls). {@code scenes}: every scene one of
   * whose markers was seen, sorted.
   */
  public record Summary(
      int processed,
      int duplicates,
      int dismissed,
      int transitions,
      List<String> scenes,
      List<Unprocessed> unprocessed) {}

  private static final class Pending {
    long size;
    long generation;
    long stableSinceNanos;
    int attempts;
    long notBeforeNanos;
    Exception lastError;

    Pending(long size, long generation, long stableSinceNanos) {
      this.size = size;
      this.generation = generation;
      this.stableSinceNanos = stableSinceNanos;
    }
  }

  private final LocalObjectStore store;
  private final MarkerHandler handler;
  private final Options options;
  private final Listener listener;
  private final Path ownFolder;

  /** Object name → generation handed to the handler successfully (or dismissed by it). */
  private final Map<String, Long> handled = new HashMap<>();

  private final Map<String, Pending> pending = new HashMap<>();
  private final Object wakeUp = new Object();
  private final CountDownLatch watching = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  private volatile boolean stopping;
  private volatile DirectoryWatcher watcher;
  private volatile Thread loopThread;

  private int processed;
  private int duplicates;
  private int dismissed;
  private int transitions;
  private int budgetRounds;
  private final Set<String> scenes = new TreeSet<>();
  private final List<Unprocessed> unprocessed = new ArrayList<>();

  public LocalRunner(
      LocalObjectStore store, MarkerHandler handler, Options options, Listener listener) {
    this.store = store;
    this.handler = handler;
    this.options = options;
    this.listener = listener;
    this.ownFolder = store.root().resolve(OWN_FOLDER);
  }

  public LocalObjectStore store() {
    return store;
  }

  /**
   * Scans the folder, handles everything new, and returns once nothing is pending (files that keep
   * failing are given up after {@link Options#onceAttempts()}). May be called repeatedly: each call
   * handles what changed since the last one.
   */
  public Summary runOnce() throws IOException {
    loopThread = Thread.currentThread();
    try {
      scan(store.root());
      while (!pending.isEmpty() && !stopping) {
        processReady(true);
        if (!pending.isEmpty() && !stopping) {
          pause(nextWakeUp(Duration.ofSeconds(1)));
        }
      }
      return summary();
    } finally {
      loopThread = null;
    }
  }

  /**
   * Watches until {@link #stop()}: registers the watcher, scans (after registering, so a file
   * written in between is seen by one or the other), then handles changes as they settle.
   */
  public Summary watch() throws IOException {
    loopThread = Thread.currentThread();
    try (DirectoryWatcher w = new DirectoryWatcher(store.root(), ownFolder::equals)) {
      watcher = w;
      IOException degraded = w.registrationProblem();
      if (degraded != null) {
        listener.watchDegraded(degraded);
      }
      if (stopping) {
        return summary();
      }
      scan(store.root());
      long lastScan = System.nanoTime();
      watching.countDown();
      while (!stopping) {
        processReady(false);
        if (stopping) {
          break;
        }
        Duration wait =
            nextWakeUp(degraded != null ? options.fallbackRescan() : Duration.ofSeconds(5));
        List<DirectoryWatcher.Change> changes;
        try {
          changes = w.poll(wait);
        } catch (ClosedWatchServiceException e) {
          break;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        boolean rescan = false;
        for (DirectoryWatcher.Change change : changes) {
          if (change instanceof DirectoryWatcher.FileChanged f) {
            observe(f.file());
          } else if (change instanceof DirectoryWatcher.DirectoryCreated d) {
            scan(d.directory());
          } else {
            rescan = true;
          }
        }
        if (degraded == null) {
          degraded = w.registrationProblem();
          if (degraded != null) {
            listener.watchDegraded(degraded);
          }
        }
        boolean due =
            degraded != null && System.nanoTime() - lastScan >= options.fallbackRescan().toNanos();
        if (rescan || due) {
          scan(store.root());
          lastScan = System.nanoTime();
        }
      }
      return summary();
    } finally {
      watcher = null;
      loopThread = null;
      watching.countDown();
      finished.countDown();
    }
  }

  /** True once {@link #watch()} has registered its watcher and done its start-up scan. */
  public boolean awaitWatching(Duration timeout) throws InterruptedException {
    return watching.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && watcher != null;
  }

  /** Asks the loop to stop after the file it is handling; returns at once. */
  public void stop() {
    stopping = true;
    DirectoryWatcher w = watcher;
    if (w != null) {
      try {
        w.close();
      } catch (IOException e) {
        // Closing only wakes the loop; it stops either way.
      }
    }
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
  }

  /**
   * Stops and waits for the loop to finish the file in hand. If it takes longer than {@code grace},
   * the file is abandoned (the thread is interrupted): state writes are atomic and the file's
   * trigger was not recorded, so the next run handles it again.
   */
  public void stopAndAwait(Duration grace) throws InterruptedException {
    stop();
    if (!finished.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      Thread thread = loopThread;
      if (thread != null) {
        thread.interrupt();
      }
      finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  // ---- discovery ----

  /** Finds every file under {@code dir} (not scenegate's own folder) and observes it. */
  private void scan(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            return d.equals(ownFolder) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile() || attrs.isSymbolicLink()) {
              files.add(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE; // vanished meanwhile
          }
        });
    for (Path file : files) {
      observe(file);
    }
  }

  /** Notes the file's current size and generation; a change restarts its settle time. */
  private void observe(Path file) {
    Optional<String> name = objectName(file);
    if (name.isEmpty()) {
      return;
    }
    Optional<ObjectInfo> info = stat(name.get());
    if (info.isEmpty()) {
      pending.remove(name.get());
      return;
    }
    long generation = info.get().generation();
    Long done = handled.get(name.get());
    if (done != null && done == generation) {
      pending.remove(name.get());
      return;
    }
    long now = System.nanoTime();
    Pending p = pending.get(name.get());
    if (p == null) {
      // A file last modified longer ago than the settle time is not being written any more.
      boolean old =
          info.get().updated() != null
              && info.get().updated().plus(options.settle()).isBefore(Instant.now());
      pending.put(
          name.get(),
          new Pending(info.get().size(), generation, old ? now - options.settle().toNanos() : now));
    } else if (p.size != info.get().size() || p.generation != generation) {
      p.size = info.get().size();
      p.generation = generation;
      p.stableSinceNanos = now;
      p.attempts = 0;
      p.notBeforeNanos = 0;
    }
  }

  /** The object name of a file under the root, or empty for what is never fed to the handler. */
  private Optional<String> objectName(Path file) {
    Path root = store.root();
    Path absolute = file.toAbsolutePath().normalize();
    if (!absolute.startsWith(root) || absolute.equals(root) || absolute.startsWith(ownFolder)) {
      return Optional.empty();
    }
    String name = root.relativize(absolute).toString().replace(java.io.File.separatorChar, '/');
    String base = name.substring(name.lastIndexOf('/') + 1);
    if (base.startsWith(STORE_TMP_PREFIX)) {
      return Optional.empty();
    }
    return Optional.of(name);
  }

  private Optional<ObjectInfo> stat(String name) {
    try {
      return store.stat(name);
    } catch (IOException | IllegalArgumentException e) {
      // Vanished, unreadable, or a name no bucket could hold (a backslash, say): not an object.
      return Optional.empty();
    }
  }

  // ---- handling ----

  private void processReady(boolean once) {
    long now = System.nanoTime();
    List<Map.Entry<String, Pending>> ready = new ArrayList<>();
    for (String name : List.copyOf(pending.keySet())) {
      Pending p = pending.get(name);
      if (now < p.notBeforeNanos) {
        continue;
      }
      Optional<ObjectInfo> info = stat(name);
      if (info.isEmpty()) {
        pending.remove(name);
        continue;
      }
      if (info.get().size() != p.size || info.get().generation() != p.generation) {
        observe(store.root().resolve(name));
        continue;
      }
      if (now - p.stableSinceNanos >= options.settle().toNanos()) {
        ready.add(Map.entry(name, p));
      }
    }
    // Oldest first, so a folder written while scenegate was down replays in the order it was
    // written (the state machine does not depend on order; the printed events read better).
    ready.sort(
        Comparator.comparingLong((Map.Entry<String, Pending> e) -> e.getValue().generation)
            .thenComparing(Map.Entry::getKey));
    for (Map.Entry<String, Pending> entry : ready) {
      if (stopping) {
        return;
      }
      handle(entry.getKey(), entry.getValue(), once);
    }
  }

  private void handle(String name, Pending p, boolean once) {
    Trigger trigger = Trigger.of(store.bucket(), name, p.generation);
    try {
      MarkerHandler.Result result = handler.handle(trigger);
      handled.put(name, p.generation);
      pending.remove(name);
      tally(result);
    } catch (VerifyBudgetExhaustedException e) {
      // A verification longer than VERIFY_BUDGET recorded what it hashed: go on at once, as the
      // platform's redelivery would. Not an attempt: it ends (passed, failed, or a file too large
      // for any budget reported), the handler never cuts off twice without progress.
      p.notBeforeNanos = 0;
      budgetRounds++;
    } catch (IOException | RuntimeException e) {
      if (stopping && (e instanceof InterruptedIOException || Thread.interrupted())) {
        return; // abandoned on shutdown; not recorded, so the next run handles it
      }
      p.attempts++;
      p.lastError = e;
      if (once && p.attempts >= options.onceAttempts()) {
        pending.remove(name);
        unprocessed.add(new Unprocessed(name, describe(e)));
        listener.gaveUp(name, e, p.attempts);
        return;
      }
      Duration delay = backoff(p.attempts);
      p.notBeforeNanos = System.nanoTime() + delay.toNanos();
      listener.retrying(name, e, p.attempts, delay);
    }
  }

  private void tally(MarkerHandler.Result result) {
    switch (result.outcome()) {
      case DISMISSED -> dismissed++;
      case DUPLICATE, SUPERSEDED -> duplicates++;
      case PROCESSED -> {
        processed++;
        transitions += result.changes().size();
      }
    }
    if (result.sceneId() != null) {
      scenes.add(result.sceneId());
    }
  }

  /** 250 ms, doubling, up to the ceiling (the shared {@link Backoff} rule, no jitter). */
  private Duration backoff(int attempt) {
    return Backoff.exponential(
            Duration.ofMillis(Math.min(250, options.retryCeiling().toMillis())),
            options.retryCeiling())
        .delayAfter(attempt);
  }

  /** How long until the next pending file may be ready; {@code idle} when nothing is pending. */
  private Duration nextWakeUp(Duration idle) {
    long now = System.nanoTime();
    long best = idle.toNanos();
    for (Pending p : pending.values()) {
      long at = Math.max(p.notBeforeNanos, p.stableSinceNanos + options.settle().toNanos());
      best = Math.min(best, Math.max(0, at - now));
    }
    return Duration.ofNanos(Math.max(best, TimeUnit.MILLISECONDS.toNanos(5)));
  }

  private void pause(Duration duration) {
    synchronized (wakeUp) {
      if (stopping) {
        return;
      }
      try {
        wakeUp.wait(Math.max(1, duration.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopping = true;
      }
    }
  }

  /** Deliveries that used up their verification budget and were handed over again. */
  public int budgetRounds() {
    return budgetRounds;
  }

  private Summary summary() {
    return new Summary(
        processed,
        duplicates,
        dismissed,
        transitions,
        List.copyOf(scenes),
        List.copyOf(unprocessed));
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
