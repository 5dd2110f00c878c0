package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.Topic;
import dev.scenegate.scene.SceneConfig;
import dev.scenegate.scene.SceneIds;
import dev.scenegate.scene.Stage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A scene's end-to-end state: one JSON document per scene (see {@link SceneStateStore}). Holds per
 * stage the status, trigger, outcome and audit trail; the idempotency keys of the triggers already
 * processed; the E2E verdict; and the outbox of side effects not yet confirmed.
 */
public final class SceneState {
  public static final String SCHEMA_VERSION = "1.0";

  /**
   * Processed trigger keys kept; older ones are dropped. Dropping is safe: a forgotten trigger is
   * an old generation of its marker, which changes nothing when it comes again.
   */
  public static final int MAX_PROCESSED = 2000;

  public static final int MAX_E2E_HISTORY = 50;

  private final String sceneId;
  String bucket;
  String updatedAt;
  SceneConfig config;
  Verdict verdict = Verdict.PENDING;
  MarkerRef verdictTrigger;
  String verdictBucket;
  String verdictUpdatedAt;
  final List<Transition> e2eHistory = new ArrayList<>();
  final Map<Stage, StageRecord> stages = new EnumMap<>(Stage.class);
  final Set<String> processed = new LinkedHashSet<>();
  final List<OutboxEntry> outbox = new ArrayList<>();

  public SceneState(String sceneId, String bucket) {
    this.sceneId = sceneId;
    this.bucket = bucket;
    for (Stage stage : Stage.values()) {
      stages.put(stage, new StageRecord());
    }
  }

  public String sceneId() {
    return sceneId;
  }

  public String bucket() {
    return bucket;
  }

  public String updatedAt() {
    return updatedAt;
  }

  public SceneConfig config() {
    return config;
  }

  public Verdict verdict() {
    return verdict;
  }

  public MarkerRef verdictTrigger() {
    return verdictTrigger;
  }

  public List<Transition> e2eHistory() {
    return e2eHistory;
  }

  public StageRecord stage(Stage stage) {
    return stages.get(stage);
  }

  public Set<String> processed() {
    return processed;
  }

  public List<OutboxEntry> outbox() {
    return outbox;
  }

  void markProcessed(String key) {
    processed.remove(key);
    processed.add(key);
    Iterator<String> oldest = processed.iterator();
    while (processed.size() > MAX_PROCESSED && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
  }

  /**
   * Queues a side effect. A message still pending under the same id is published once; a pending
   * {@code .failed} write or clear under the same id moves to the end, so the last one wins.
   */
  void addOutbox(OutboxEntry entry) {
    for (int i = 0; i < outbox.size(); i++) {
      if (outbox.get(i).id().equals(entry.id())) {
        if (entry.kind() == OutboxEntry.Kind.PUBLISH) {
          return;
        }
        outbox.remove(i);
        break;
      }
    }
    outbox.add(entry);
  }

  void addE2eHistory(Transition transition) {
    e2eHistory.add(transition);
    while (e2eHistory.size() > MAX_E2E_HISTORY) {
      e2eHistory.remove(0);
    }
  }

  // ---- JSON ----

  public ObjectNode toJson() {
    ObjectNode root = EventJson.MAPPER.createObjectNode();
    root.put("schema_version", SCHEMA_VERSION);
    root.put("scene_id", sceneId);
    root.put("bucket", bucket);
    root.put("updated_at", updatedAt);
    if (config != null) {
      ObjectNode c = root.putObject("config");
      c.put("object", config.object());
      c.put("generation", Long.toString(config.generation()));
      c.put("use_geniesim", config.useGeniesim());
      c.put("problem", config.problem());
    }
    ObjectNode e2e = root.putObject("e2e");
    e2e.put("verdict", verdict.wireName());
    e2e.put("bucket", verdictBucket);
    e2e.set("trigger", ref(verdictTrigger));
    e2e.put("updated_at", verdictUpdatedAt);
    e2e.set("history", history(e2eHistory));
    ObjectNode stageNodes = root.putObject("stages");
    for (Map.Entry<Stage, StageRecord> e : stages.entrySet()) {
      StageRecord r = e.getValue();
      ObjectNode s = stageNodes.putObject(e.getKey().wireName());
      s.put("status", r.status.wireName());
      s.set("trigger", ref(r.trigger));
      ObjectNode markers = s.putObject("markers");
      r.markers.forEach((k, v) -> markers.put(k, Long.toString(v)));
      s.set("outcome", outcome(r.outcome));
      s.set("details", r.details);
      s.put("updated_at", r.updatedAt);
      s.set("history", history(r.history));
    }
    ArrayNode processedNode = root.putArray("processed");
    processed.forEach(processedNode::add);
    ArrayNode outboxNode = root.putArray("outbox");
    for (OutboxEntry entry : outbox) {
      ObjectNode o = outboxNode.addObject();
      o.put("id", entry.id());
      o.put("kind", entry.kind().name().toLowerCase(java.util.Locale.ROOT));
      if (entry.topic() != null) {
        o.put("topic", entry.topic().name());
      }
      if (entry.data() != null) {
        o.set("data", entry.data());
      }
      if (!entry.attributes().isEmpty()) {
        ObjectNode attrs = o.putObject("attributes");
        entry.attributes().forEach(attrs::put);
      }
      if (entry.orderingKey() != null) {
        o.put("ordering_key", entry.orderingKey());
      }
      if (entry.object() != null) {
        o.put("object", entry.object());
      }
      if (entry.stage() != null) {
        o.put("stage", entry.stage());
      }
    }
    return root;
  }

  /** Parses a state document; anything malformed is a {@link StateCorruptException}. */
  public static SceneState fromJson(JsonNode root) throws StateCorruptException {
    try {
      return parse(root);
    } catch (RuntimeException e) {
      throw new StateCorruptException("malformed state document: " + e);
    }
  }

  private static SceneState parse(JsonNode root) throws StateCorruptException {
    if (root == null || !root.isObject()) {
      throw new StateCorruptException("state document is not a JSON object");
    }
    String schema = root.path("schema_version").asText("");
    if (!schema.startsWith("1.")) {
      throw new StateCorruptException("unknown state schema_version '" + schema + "'");
    }
    String sceneId = text(root, "scene_id");
    if (!SceneIds.isValid(sceneId)) {
      throw new StateCorruptException("state has no valid scene_id");
    }
    SceneState state = new SceneState(sceneId, text(root, "bucket"));
    state.updatedAt = text(root, "updated_at");
    JsonNode c = root.get("config");
    if (c != null && c.isObject()) {
      state.config =
          new SceneConfig(
              text(c, "object"),
              Long.parseLong(c.path("generation").asText("0")),
              c.path("use_geniesim").asBoolean(true),
              text(c, "problem"));
    }
    JsonNode e2e = root.path("e2e");
    state.verdict =
        Verdict.fromWireName(e2e.path("verdict").asText("pending"))
            .orElseThrow(() -> new IllegalArgumentException("unknown verdict"));
    state.verdictBucket = text(e2e, "bucket");
    state.verdictTrigger = parseRef(e2e.get("trigger"));
    state.verdictUpdatedAt = text(e2e, "updated_at");
    parseHistory(e2e.get("history"), state.e2eHistory);
    JsonNode stageNodes = root.path("stages");
    for (Stage stage : Stage.values()) {
      JsonNode s = stageNodes.get(stage.wireName());
      if (s == null || !s.isObject()) {
        continue;
      }
      StageRecord r = state.stages.get(stage);
      r.status =
          StageStatus.fromWireName(s.path("status").asText("pending"))
              .orElseThrow(() -> new IllegalArgumentException("unknown status"));
      r.trigger = parseRef(s.get("trigger"));
      s.path("markers")
          .fields()
          .forEachRemaining(m -> r.markers.put(m.getKey(), Long.parseLong(m.getValue().asText())));
      r.outcome = parseOutcome(s.get("outcome"));
      JsonNode details = s.get("details");
      r.details =
          details != null && details.isObject()
              ? (ObjectNode) details
              : EventJson.MAPPER.createObjectNode();
      r.updatedAt = text(s, "updated_at");
      parseHistory(s.get("history"), r.history);
    }
    for (JsonNode key : root.path("processed")) {
      state.processed.add(key.asText());
    }
    for (JsonNode o : root.path("outbox")) {
      OutboxEntry.Kind kind =
          OutboxEntry.Kind.valueOf(o.path("kind").asText().toUpperCase(java.util.Locale.ROOT));
      Map<String, String> attributes = new LinkedHashMap<>();
      o.path("attributes")
          .fields()
          .forEachRemaining(a -> attributes.put(a.getKey(), a.getValue().asText()));
      JsonNode data = o.get("data");
      state.outbox.add(
          new OutboxEntry(
              text(o, "id"),
              kind,
              o.hasNonNull("topic") ? Topic.valueOf(o.get("topic").asText()) : null,
              data != null && data.isObject() ? (ObjectNode) data : null,
              attributes,
              text(o, "ordering_key"),
              text(o, "object"),
              text(o, "stage")));
    }
    return state;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static JsonNode ref(MarkerRef ref) {
    if (ref == null) {
      return EventJson.MAPPER.nullNode();
    }
    ObjectNode node = EventJson.MAPPER.createObjectNode();
    node.put("object", ref.object());
    node.put("generation", Long.toString(ref.generation()));
    return node;
  }

  private static MarkerRef parseRef(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    return MarkerRef.of(text(node, "object"), Long.parseLong(node.path("generation").asText()));
  }

  private static ArrayNode history(List<Transition> history) {
    ArrayNode list = EventJson.MAPPER.createArrayNode();
    for (Transition t : history) {
      ObjectNode node = list.addObject();
      node.put("from", t.from());
      node.put("to", t.to());
      node.set("trigger", ref(t.trigger()));
      node.put("cause", t.cause());
      node.put("at", t.at());
      node.put("reason", t.reason());
    }
    return list;
  }

  private static void parseHistory(JsonNode node, List<Transition> into) {
    if (node == null) {
      return;
    }
    for (JsonNode t : node) {
      into.add(
          new Transition(
              text(t, "from"),
              text(t, "to"),
              parseRef(t.get("trigger")),
              text(t, "cause"),
              text(t, "at"),
              text(t, "reason")));
    }
  }

  private static JsonNode outcome(Evaluation e) {
    if (e == null) {
      return EventJson.MAPPER.nullNode();
    }
    ObjectNode node = EventJson.MAPPER.createObjectNode();
    node.set("marker", ref(e.marker()));
    node.put("passed", e.passed());
    node.put("kind", e.kind());
    node.put("reason", e.reason());
    node.put("path", e.path());
    node.set("details", e.details());
    ArrayNode failures = node.putArray("failures");
    for (ChecksumAlert.Failure f : e.failures()) {
      ObjectNode fn = failures.addObject();
      fn.put("path", f.path());
      fn.put("kind", f.kind());
      fn.put("expected_sha256", f.expectedSha256());
      fn.put("actual_sha256", f.actualSha256());
      fn.put("expected_size", f.expectedSize());
      fn.put("actual_size", f.actualSize());
    }
    node.put("failures_total", e.failuresTotal());
    return node;
  }

  private static Evaluation parseOutcome(JsonNode node) {
    if (node == null || !node.isObject()) {
      return null;
    }
    List<ChecksumAlert.Failure> failures = new ArrayList<>();
    for (JsonNode f : node.path("failures")) {
      failures.add(
          new ChecksumAlert.Failure(
              text(f, "path"),
              text(f, "kind"),
              text(f, "expected_sha256"),
              text(f, "actual_sha256"),
              f.hasNonNull("expected_size") ? f.get("expected_size").asLong() : null,
              f.hasNonNull("actual_size") ? f.get("actual_size").asLong() : null));
    }
    JsonNode details = node.get("details");
    return new Evaluation(
        parseRef(node.get("marker")),
        node.path("passed").asBoolean(),
        text(node, "kind"),
        text(node, "reason"),
        text(node, "path"),
        details != null && details.isObject() ? (ObjectNode) details : null,
        failures,
        node.path("failures_total").asInt());
  }

  /** A state document scenegate cannot read back; see {@link SceneStateStore}. */
  public static final class StateCorruptException extends IOException {
    public StateCorruptException(String message) {
      super(message);
    }
  }
}
