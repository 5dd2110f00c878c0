package dev.scenegate.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.scene.SceneConfig;
import dev.scenegate.scene.SceneIds;
import dev.scenegate.scene.Stage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scene's end-to-end state: one JSON document per scene (see {@link SceneStateStore}), bound by
 * the shared mapper. Holds per stage the status, trigger, outcome and audit trail; the idempotency
 * keys of the triggers already processed (oldest first); the E2E verdict; and the outbox of side
 * effects not yet confirmed. Immutable: {@link SceneMachine} returns a new state.
 */
public record SceneState(
    String schemaVersion,
    String sceneId,
    String bucket,
    String updatedAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) SceneConfig config,
    E2eRecord e2e,
    Map<String, StageRecord> stages,
    List<String> processed,
    List<OutboxEntry> outbox) {

  public static final String SCHEMA_VERSION = "1.0";

  /**
   * Processed trigger keys kept; older ones are dropped. Dropping is safe: a forgotten trigger is
   * an old generation of its marker, which changes nothing when it comes again.
   */
  public static final int MAX_PROCESSED = 2000;

  public SceneState {
    schemaVersion = schemaVersion == null ? SCHEMA_VERSION : schemaVersion;
    e2e = e2e == null ? new E2eRecord(null, null, null, null, null) : e2e;
    // Every stage present, in DESIGN's order; a stage a document lacks starts pending.
    Map<String, StageRecord> all = new LinkedHashMap<>();
    for (Stage stage : Stage.values()) {
      StageRecord record = stages == null ? null : stages.get(stage.wireName());
      all.put(stage.wireName(), record == null ? StageRecord.fresh() : record);
    }
    stages = Collections.unmodifiableMap(all);
    processed = processed == null ? List.of() : List.copyOf(processed);
    outbox = outbox == null ? List.of() : List.copyOf(outbox);
  }

  /** A scene nothing has happened to yet. */
  public SceneState(String sceneId, String bucket) {
    this(null, sceneId, bucket, null, null, null, null, null, null);
  }

  public StageRecord stage(Stage stage) {
    return stages.get(stage.wireName());
  }

  public Verdict verdict() {
    return e2e.verdict();
  }

  public MarkerRef verdictTrigger() {
    return e2e.trigger();
  }

  public List<Transition> e2eHistory() {
    return e2e.history();
  }

  /**
   * Whether this generation of marker {@code object} (or a newer one) has been processed: every
   * processed marker is recorded with its newest generation in its stage ({@link
   * StageRecord#markers()}), which, unlike the bounded list of processed keys, is never trimmed.
   */
  public boolean hasSeen(String object, long generation) {
    for (StageRecord record : stages.values()) {
      Long seen = record.markers().get(object);
      if (seen != null && seen >= generation) {
        return true;
      }
    }
    return false;
  }

  boolean hasProcessed(String key) {
    return processed.contains(key);
  }

  SceneState withOutbox(List<OutboxEntry> next) {
    return new SceneState(
        schemaVersion, sceneId, bucket, updatedAt, config, e2e, stages, processed, next);
  }

  /** Records {@code key} as processed (newest last), keeping at most {@link #MAX_PROCESSED}. */
  static List<String> markProcessed(List<String> processed, String key) {
    List<String> next = new ArrayList<>(processed);
    next.remove(key);
    next.add(key);
    return next.subList(Math.max(0, next.size() - MAX_PROCESSED), next.size());
  }

  // ---- JSON ----

  public ObjectNode toJson() {
    return EventJson.MAPPER.valueToTree(this);
  }

  /** Parses a state document; anything malformed is a {@link StateCorruptException}. */
  public static SceneState fromJson(JsonNode root) throws StateCorruptException {
    if (root == null || !root.isObject()) {
      throw new StateCorruptException("state document is not a JSON object");
    }
    String schema = root.path("schema_version").asText("");
    if (!schema.startsWith("1.")) {
      throw new StateCorruptException("unknown state schema_version '" + schema + "'");
    }
    SceneState state;
    try {
      state = EventJson.MAPPER.treeToValue(root, SceneState.class);
    } catch (IOException | RuntimeException e) {
      throw new StateCorruptException("malformed state document: " + e);
    }
    if (!SceneIds.isValid(state.sceneId())) {
      throw new StateCorruptException("state has no valid scene_id");
    }
    return state;
  }

  /** A state document scenegate cannot read back; see {@link SceneStateStore}. */
  public static final class StateCorruptException extends IOException {
    public StateCorruptException(String message) {
      super(message);
    }
  }
}
