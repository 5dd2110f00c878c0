package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.ObjectTooLargeException;
import dev.scenegate.storage.Precondition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
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

  public SceneStateStore(ObjectStore store, String prefix) {
    this.store = store;
    this.prefix = normalise(prefix);
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
    return read(sceneId, true);
  }

  /**
   * The scene's state if it has one, for readers that must not change the bucket (the {@code
   * status} command): a document that cannot be read back is a {@link
   * SceneState.StateCorruptException}, and nothing is written.
   */
  public Optional<Loaded> inspect(String sceneId) throws IOException {
    return read(sceneId, false);
  }

  private Optional<Loaded> read(String sceneId, boolean setAside) throws IOException {
    String name = objectName(sceneId);
    for (int attempt = 0; ; attempt++) {
      Optional<ObjectInfo> info = store.stat(name);
      if (info.isEmpty()) {
        return Optional.empty();
      }
      long generation = info.get().generation();
      byte[] bytes = null;
      try {
        bytes = store.readSmall(name, generation, MAX_STATE_BYTES);
        JsonNode tree = EventJson.MAPPER.readTree(bytes);
        SceneState state = SceneState.fromJson(tree);
        if (!state.sceneId().equals(sceneId)) {
          // A copied or renamed document: writing it back would target the other scene's object
          // with this one's generation and lose every compare-and-set, forever.
          throw new SceneState.StateCorruptException(
              "state document belongs to scene " + state.sceneId());
        }
        return Optional.of(new Loaded(state, generation));
      } catch (NoSuchFileException e) {
        if (attempt < 5) {
          continue; // replaced between stat and read: read the newer one
        }
        throw e;
      } catch (ObjectTooLargeException | SceneState.StateCorruptException e) {
        if (!setAside) {
          throw new SceneState.StateCorruptException(
              store.describe(name) + " is unreadable: " + e.getMessage());
        }
        return Optional.of(quarantine(sceneId, name, generation, bytes, e.getMessage()));
      } catch (IOException e) {
        if (bytes == null) {
          throw e; // a storage fault while reading, not a bad document
        }
        if (!setAside) {
          throw new SceneState.StateCorruptException(
              store.describe(name) + " is unreadable: not JSON");
        }
        return Optional.of(quarantine(sceneId, name, generation, bytes, e.getMessage()));
      }
    }
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
    byte[] bytes = state.toJson().toString().getBytes(StandardCharsets.UTF_8);
    Precondition precondition =
        generation == 0 ? Precondition.doesNotExist() : Precondition.generationMatch(generation);
    return store
        .write(
            objectName(state.sceneId()),
            bytes,
            "application/json",
            Map.of("scenegate", "state"),
            precondition)
        .generation();
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
