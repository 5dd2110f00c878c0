package dev.scenegate.fleet;

import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.ObjectTooLargeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads the fleet from the state documents alone: one listing of the state prefix, then one read
 * per scene, {@code threads} at a time. Documents are remembered by generation, so a reader that is
 * asked again (the board's refresh) reads only the documents that changed since.
 *
 * <p>A document that cannot be read (not JSON, foreign, too large, refused) is listed as
 * unreadable; only a failed listing fails the read.
 */
public final class FleetReader implements AutoCloseable {
  /** Concurrent document reads: requests to Cloud Storage wait on the network, not the CPU. */
  public static final int DEFAULT_THREADS = 16;

  /** A {@code .failed} marker is a small JSON document; anything larger is shown clipped. */
  static final int MAX_FAILED_MARKER_BYTES = 64 * 1024;

  private final ObjectStore store;
  private final String prefix;
  private final Deadlines deadlines;
  private final Clock clock;
  private final ExecutorService pool;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  /** A document as last read: its generation and what it said. */
  private record Cached(long generation, SceneDocument document, String error) {}

  public FleetReader(
      ObjectStore store, String prefix, Deadlines deadlines, Clock clock, int threads) {
    this.store = store;
    this.prefix = StateDocuments.prefix(store, prefix);
    this.deadlines = deadlines;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "scenegate-fleet-read-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  public ObjectStore store() {
    return store;
  }

  /** The state prefix, normalised. */
  public String prefix() {
    return prefix;
  }

  public Deadlines deadlines() {
    return deadlines;
  }

  /** The state object of {@code sceneId}, for people ({@code gs://b/o} or a path). */
  public String describe(String sceneId) {
    return store.describe(StateDocuments.objectName(prefix, sceneId));
  }

  /** Lists and reads the fleet. Throws only when the listing fails. */
  public FleetView read() throws IOException {
    Instant now = clock.instant();
    Map<String, ObjectInfo> listed = new LinkedHashMap<>();
    for (ObjectInfo info : store.list(prefix)) {
      if (StateDocuments.sceneIdOf(prefix, info.name()).isPresent()) {
        listed.put(info.name(), info);
      }
    }
    cache.keySet().retainAll(listed.keySet());
    Map<String, Future<Cached>> reads = new LinkedHashMap<>();
    for (ObjectInfo info : listed.values()) {
      Cached known = cache.get(info.name());
      if (known == null || known.generation() != info.generation()) {
        reads.put(info.name(), pool.submit(() -> load(info)));
      }
    }
    for (Map.Entry<String, Future<Cached>> read : reads.entrySet()) {
      Cached loaded = await(read.getValue());
      if (loaded != null) {
        cache.put(read.getKey(), loaded);
      }
    }
    List<SceneSummary> scenes = new ArrayList<>(listed.size());
    for (String name : listed.keySet()) {
      Cached c = cache.get(name);
      if (c == null) {
        continue; // deleted between the listing and the read
      }
      String sceneId = StateDocuments.sceneIdOf(prefix, name).orElseThrow();
      scenes.add(
          c.document() == null
              ? SceneSummary.unreadable(sceneId, store.describe(name), c.error())
              : SceneSummary.of(c.document(), store.describe(name), deadlines, now));
    }
    return new FleetView(scenes, now);
  }

  /** Reads one listed document at its generation; null when it is gone. */
  private Cached load(ObjectInfo listed) {
    String name = listed.name();
    String sceneId = StateDocuments.sceneIdOf(prefix, name).orElseThrow();
    long generation = listed.generation();
    long size = listed.size();
    for (int attempt = 0; ; attempt++) {
      try {
        byte[] bytes = read(name, generation, size);
        return new Cached(generation, lean(StateDocuments.parse(bytes, sceneId)), null);
      } catch (StateDocuments.UnreadableStateException e) {
        return new Cached(generation, null, e.getMessage());
      } catch (NoSuchFileException e) {
        // Replaced (or deleted) since the listing: read what is there now.
        Optional<ObjectInfo> now;
        try {
          now = store.stat(name);
        } catch (IOException statFailed) {
          return new Cached(generation, null, "could not be read: " + message(statFailed));
        }
        if (now.isEmpty()) {
          return null;
        }
        if (attempt >= 3) {
          return new Cached(generation, null, "changed while being read; try again");
        }
        generation = now.get().generation();
        size = now.get().size();
      } catch (ObjectTooLargeException e) {
        return new Cached(generation, null, "larger than " + StateDocuments.MAX_BYTES + " bytes");
      } catch (IOException | RuntimeException e) {
        return new Cached(generation, null, "could not be read: " + message(e));
      }
    }
  }

  /**
   * Reads one generation whole, its size known from the listing: a single open, where {@code
   * readSmall} looks the object up first (on Cloud Storage one request fewer per scene). Reading to
   * the end of the stream lets the store check the checksum.
   */
  private byte[] read(String name, long generation, long listedSize) throws IOException {
    if (listedSize > StateDocuments.MAX_BYTES) {
      throw new ObjectTooLargeException(store.describe(name), listedSize, StateDocuments.MAX_BYTES);
    }
    try (java.io.InputStream in = store.open(name, generation)) {
      byte[] data = in.readNBytes(StateDocuments.MAX_BYTES + 1);
      if (data.length > StateDocuments.MAX_BYTES || in.read() != -1) {
        throw new ObjectTooLargeException(
            store.describe(name), data.length, StateDocuments.MAX_BYTES);
      }
      return data;
    }
  }

  /**
   * What the fleet needs of a document kept between refreshes: no timeline, alerts or per-file
   * failures, so memory stays small on a large fleet. The scene page reads the document again.
   */
  private static SceneDocument lean(SceneDocument d) {
    List<SceneDocument.StageEntry> stages = new ArrayList<>();
    for (SceneDocument.StageEntry s : d.stages()) {
      stages.add(
          new SceneDocument.StageEntry(
              s.stage(),
              s.status(),
              s.since(),
              s.reason(),
              s.waitingFor(),
              s.markerObject(),
              s.markerGeneration(),
              null));
    }
    return new SceneDocument(
        d.sceneId(), d.bucket(), d.verdict(), d.updatedAt(), stages, List.of(), List.of(), 0);
  }

  /**
   * One scene in full: its summary, its document and the {@code .failed} marker of each failed
   * stage. Empty when the scene has no state document.
   */
  public Optional<SceneDetail> scene(String sceneId)
      throws IOException, StateDocuments.UnreadableStateException {
    String name = StateDocuments.objectName(prefix, sceneId);
    for (int attempt = 0; ; attempt++) {
      Optional<ObjectInfo> info = store.stat(name);
      if (info.isEmpty()) {
        return Optional.empty();
      }
      SceneDocument document;
      try {
        byte[] bytes = store.readSmall(name, info.get().generation(), StateDocuments.MAX_BYTES);
        document = StateDocuments.parse(bytes, sceneId);
      } catch (NoSuchFileException e) {
        if (attempt < 3) {
          continue;
        }
        throw e;
      } catch (ObjectTooLargeException e) {
        throw new StateDocuments.UnreadableStateException(
            "larger than " + StateDocuments.MAX_BYTES + " bytes");
      }
      SceneSummary summary =
          SceneSummary.of(document, store.describe(name), deadlines, clock.instant());
      Map<String, FailedMarker> failed = new LinkedHashMap<>();
      Set<String> seen = new HashSet<>();
      for (SceneDocument.StageEntry s : document.stages()) {
        if (s.failure() != null) {
          String object = s.stage().failedMarker(sceneId);
          if (seen.add(object)) {
            failed.put(s.stage().wireName(), failedMarker(object));
          }
        }
      }
      return Optional.of(new SceneDetail(summary, document, failed));
    }
  }

  /**
   * The scenes {@code sceneIds} in full, read in parallel, in the order given; a scene that could
   * not be read is in {@code problems} with the reason, one that has no state is left out.
   */
  public Details scenes(List<String> sceneIds) throws IOException {
    Map<String, Future<Object>> reads = new LinkedHashMap<>();
    for (String id : sceneIds) {
      reads.put(
          id,
          pool.submit(
              () -> {
                try {
                  return scene(id).orElse(null);
                } catch (StateDocuments.UnreadableStateException e) {
                  return "state document unreadable: " + e.getMessage();
                } catch (IOException | RuntimeException e) {
                  return "could not be read: " + message(e);
                }
              }));
    }
    List<SceneDetail> found = new ArrayList<>();
    Map<String, String> problems = new LinkedHashMap<>();
    for (Map.Entry<String, Future<Object>> read : reads.entrySet()) {
      Object result = await(read.getValue());
      if (result instanceof SceneDetail detail) {
        found.add(detail);
      } else if (result instanceof String problem) {
        problems.put(read.getKey(), problem);
      }
    }
    return new Details(found, problems);
  }

  /** What {@link #scenes} found: the scenes read, and why others could not be. */
  public record Details(List<SceneDetail> found, Map<String, String> problems) {}

  /** A stage's {@code .failed} marker: its object, its text when present, or why it is not. */
  public record FailedMarker(String object, String location, String text, String problem) {}

  /** A scene in full; {@code failedMarkers} by stage wire name. */
  public record SceneDetail(
      SceneSummary summary, SceneDocument document, Map<String, FailedMarker> failedMarkers) {}

  private FailedMarker failedMarker(String object) {
    String location = store.describe(object);
    try {
      Optional<ObjectInfo> info = store.stat(object);
      if (info.isEmpty()) {
        return new FailedMarker(object, location, null, "not written (yet)");
      }
      byte[] bytes;
      try {
        bytes = store.readSmall(object, info.get().generation(), MAX_FAILED_MARKER_BYTES);
      } catch (ObjectTooLargeException e) {
        return new FailedMarker(
            object, location, null, "larger than " + MAX_FAILED_MARKER_BYTES + " bytes");
      }
      return new FailedMarker(object, location, new String(bytes, StandardCharsets.UTF_8), null);
    } catch (IOException | RuntimeException e) {
      return new FailedMarker(object, location, null, "could not be read: " + message(e));
    }
  }

  private static <T> T await(Future<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while reading the fleet");
    } catch (ExecutionException e) {
      // load() answers every failure itself; this is a bug, surfaced as such.
      throw new IllegalStateException(e.getCause());
    }
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return (m == null || m.isBlank() ? e.getClass().getSimpleName() : m)
        .replaceAll("[\\r\\n\\t]+", " ");
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
