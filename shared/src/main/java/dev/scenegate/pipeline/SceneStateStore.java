package dev.scenegate.pipeline;

import dev.scenegate.events.EventJson;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.retry.Backoff;
import dev.scenegate.storage.CompareAndSet;
import dev.scenegate.storage.ObjectContent;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.ObjectTooLargeException;
import dev.scenegate.storage.Precondition;
import dev.scenegate.storage.PreconditionFailedException;
import dev.scenegate.storage.TransientStorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where scene states live: {@code <prefix><scene_id>.json} in one store (default prefix {@value
 * #DEFAULT_PREFIX}). Reads return the document with its generation; writes are compare-and-set on
 * that generation (or create-only when there was none), so two writers never silently overwrite
 * each other: the loser gets {@link dev.scenegate.storage.PreconditionFailedException} and retries.
 */
public final class SceneStateStore {
  public static final String DEFAULT_PREFIX = "_scenegate/state/";

  /**
   * A state document is bounded (history, processed keys, failures are capped); this is a guard.
   */
  public static final int MAX_STATE_BYTES = 16 * 1024 * 1024;

  private static final JsonLog LOG = JsonLog.get(SceneStateStore.class);

  private final ObjectStore store;
  private final String prefix;
  private final CompareAndSet documents;

  public SceneStateStore(ObjectStore store, String prefix) {
    this(store, prefix, MarkerConfig.DEFAULT_CONFLICT_RETRIES);
  }

  /** {@code races}: compare-and-set decisions before an update gives up (transiently). */
  public SceneStateStore(ObjectStore store, String prefix, int races) {
    this.store = store;
    this.prefix = normalise(prefix);
    // Full jitter from 5 ms up to 1 s: racing writers spread out instead of colliding again.
    this.documents =
        new CompareAndSet(
                store,
                "application/json",
                Backoff.exponential(Duration.ofMillis(5), Duration.ofSeconds(1))
                    .withJitter(1.0)
                    .withMaxAttempts(races))
            .withMetadata(Map.of("scenegate", "state"));
  }

  /** A state with the generation it was read at; 0 when there was no document yet. */
  public record Loaded(SceneState state, long generation) {}

  public ObjectStore store() {
    return store;
  }

  public String prefix() {
    return prefix;
  }

  public String objectName(String sceneId) {
    return prefix + sceneId + ".json";
  }

  /** The scene's state, or a fresh one (generation 0) when it has none yet. */
  public Loaded load(String sceneId, String bucket) throws IOException {
    Optional<Loaded> found = find(sceneId);
    return found.orElseGet(() -> new Loaded(new SceneState(sceneId, bucket), 0));
  }

  /**
   * The scene's state if it has one. A document that cannot be read back (torn by hand, foreign) is
   * copied aside and replaced by a fresh state on the next write: retrying on it forever would
   * block the scene, and the markers rebuild the state as they arrive.
   */
  public Optional<Loaded> find(String sceneId) throws IOException {
    return parse(sceneId, read(sceneId), true);
  }

  /**
   * The scene's state if it has one, for readers that must not change the bucket (the {@code
   * status} command): a document that cannot be read back is a {@link
   * SceneState.StateCorruptException}, and nothing is written.
   */
  public Optional<Loaded> inspect(String sceneId) throws IOException {
    return parse(sceneId, read(sceneId), false);
  }

  /** What an update decided: the state to write (null: leave the document), and a result. */
  public record Decision<T>(SceneState write, T result) {}

  /** The outcome of an update: the result, and the generation written (0 when none was). */
  public record Updated<T>(T result, long written) {}

  /**
   * Reads the scene's state (a fresh one when it has none), decides, and writes with the read
   * generation as precondition; a lost race decides again on what the winner wrote. {@code onRace}
   * runs before each decision after the first (one lost race each).
   *
   * @throws TransientStorageException when every race allowed was lost
   */
  public <T> Updated<T> update(
      String sceneId, String bucket, Runnable onRace, StateDecision<T> decision)
      throws IOException {
    int[] decisions = {0};
    try {
      CompareAndSet.Updated<T> updated =
          documents.update(
              objectName(sceneId),
              MAX_STATE_BYTES,
              current -> {
                if (decisions[0]++ > 0) {
                  onRace.run();
                }
                Loaded loaded =
                    parse(sceneId, read(sceneId, current), true)
                        .orElseGet(() -> new Loaded(new SceneState(sceneId, bucket), 0));
                Decision<T> decided = decision.decide(loaded);
                return decided.write() == null
                    ? CompareAndSet.Change.keep(decided.result())
                    : CompareAndSet.Change.write(bytes(decided.write()), decided.result());
              });
      return new Updated<>(
          updated.result(), updated.written() == null ? 0 : updated.written().generation());
    } catch (PreconditionFailedException e) {
      onRace.run();
      throw new TransientStorageException(
          "scene "
              + sceneId
              + ": state write lost "
              + decisions[0]
              + " compare-and-set races in a row; giving up for now");
    }
  }

  /** Decides on the scene's current state; may run once per race. */
  @FunctionalInterface
  public interface StateDecision<T> {
    Decision<T> decide(Loaded current) throws IOException;
  }

  /** The raw current document: bytes with generation, too large (bytes null), or none. */
  private record Raw(long generation, byte[] bytes, String tooLarge) {}

  private Optional<Raw> read(String sceneId) throws IOException {
    try {
      return read(sceneId, store.readCurrent(objectName(sceneId), MAX_STATE_BYTES));
    } catch (ObjectTooLargeException e) {
      long generation = store.stat(objectName(sceneId)).map(ObjectInfo::generation).orElse(0L);
      return Optional.of(new Raw(generation, null, e.getMessage()));
    }
  }

  private static Optional<Raw> read(String sceneId, Optional<ObjectContent> current) {
    return current.map(c -> new Raw(c.generation(), c.bytes(), null));
  }

  private Optional<Loaded> parse(String sceneId, Optional<Raw> raw, boolean setAside)
      throws IOException {
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    String name = objectName(sceneId);
    long generation = raw.get().generation();
    byte[] bytes = raw.get().bytes();
    String problem = raw.get().tooLarge();
    if (problem == null) {
      try {
        SceneState state = SceneState.fromJson(EventJson.MAPPER.readTree(bytes));
        if (state.sceneId().equals(sceneId)) {
          return Optional.of(new Loaded(state, generation));
        }
        // A copied or renamed document: writing it back would target the other scene's object
        // with this one's generation and lose every compare-and-set, forever.
        problem = "state document belongs to scene " + state.sceneId();
      } catch (SceneState.StateCorruptException e) {
        problem = e.getMessage();
      } catch (IOException e) {
        if (!setAside) {
          throw new SceneState.StateCorruptException(
              store.describe(name) + " is unreadable: not JSON");
        }
        problem = e.getMessage();
      }
    }
    if (!setAside) {
      throw new SceneState.StateCorruptException(
          store.describe(name) + " is unreadable: " + problem);
    }
    return Optional.of(quarantine(sceneId, name, generation, bytes, problem));
  }

  private Loaded quarantine(
      String sceneId, String name, long generation, byte[] bytes, String problem)
      throws IOException {
    String aside = prefix + sceneId + ".corrupt-" + generation + ".json";
    LOG.critical(
        "scene state unreadable; starting a fresh state",
        "scene_id",
        sceneId,
        "object",
        name,
        "generation",
        Long.toString(generation),
        "problem",
        problem,
        "kept_as",
        bytes == null ? null : aside);
    if (bytes != null) {
      store.write(aside, bytes, "application/json", Map.of(), Precondition.none());
    }
    return new Loaded(new SceneState(sceneId, null), generation);
  }

  /** Writes {@code state} if its document is still at {@code generation}; returns the new one. */
  public long write(SceneState state, long generation) throws IOException {
    return documents.write(objectName(state.sceneId()), bytes(state), generation).generation();
  }

  private static byte[] bytes(SceneState state) {
    return state.toJson().toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String normalise(String prefix) {
    if (prefix == null || prefix.isBlank()) {
      return DEFAULT_PREFIX;
    }
    String p = prefix.strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    return p.isEmpty() || p.endsWith("/") ? p : p + "/";
  }
}
