package dev.scenegate.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.Topic;
import dev.scenegate.pipeline.MarkerRef;
import dev.scenegate.pipeline.OutboxEntry;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.pipeline.StageRecord;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.pipeline.Transition;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one place the fleet view touches state documents: where they are ({@code
 * <prefix><scene_id>.json}) and how one is turned into a {@link SceneDocument}. Everything else in
 * this package works on {@link SceneDocument}, so a new layout of the state document (or a new
 * codec) is adapted here and nowhere else.
 */
public final class StateDocuments {
  /** The same guard as the state store's: a state document is bounded. */
  static final int MAX_BYTES = SceneStateStore.MAX_STATE_BYTES;

  /** Copies of unreadable documents the state store set aside ({@code <id>.corrupt-<gen>.json}). */
  private static final Pattern SET_ASIDE = Pattern.compile(".*\\.corrupt-[0-9]+\\.json");

  private static final String SUFFIX = ".json";

  private StateDocuments() {}

  /** {@code prefix} as the state store normalises it (a trailing slash, no leading one). */
  public static String prefix(ObjectStore store, String prefix) {
    return new SceneStateStore(store, prefix).prefix();
  }

  public static String objectName(String prefix, String sceneId) {
    return prefix + sceneId + SUFFIX;
  }

  /**
   * The scene a listed object under {@code prefix} is the state of, as its name says: a direct
   * child ending in {@code .json}. Empty for everything else kept under the prefix (the alert
   * ledger's folders, copies the store set aside). The id is not checked here: a document whose
   * name is not a valid scene id is listed as unreadable rather than hidden.
   */
  public static Optional<String> sceneIdOf(String prefix, String objectName) {
    if (!objectName.startsWith(prefix) || !objectName.endsWith(SUFFIX)) {
      return Optional.empty();
    }
    String rest = objectName.substring(prefix.length(), objectName.length() - SUFFIX.length());
    if (rest.isEmpty() || rest.contains("/") || SET_ASIDE.matcher(objectName).matches()) {
      return Optional.empty();
    }
    return Optional.of(rest);
  }

  /** A state document that cannot be read back; the message says why, on one line. */
  public static final class UnreadableStateException extends Exception {
    public UnreadableStateException(String message) {
      super(message);
    }
  }

  /** Parses the state document of {@code sceneId}. */
  public static SceneDocument parse(byte[] bytes, String sceneId) throws UnreadableStateException {
    JsonNode tree;
    try {
      tree = EventJson.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new UnreadableStateException("not JSON");
    }
    SceneState state;
    try {
      state = SceneState.fromJson(tree);
    } catch (SceneState.StateCorruptException e) {
      throw new UnreadableStateException(e.getMessage());
    }
    if (!state.sceneId().equals(sceneId)) {
      throw new UnreadableStateException("state document belongs to scene " + state.sceneId());
    }
    return document(state, tree);
  }

  /**
   * {@code tree}: the document as read, for what the state's types keep to their package (a stage's
   * {@code outcome}).
   */
  private static SceneDocument document(SceneState state, JsonNode tree) {
    List<SceneDocument.StageEntry> stages = new ArrayList<>();
    List<SceneDocument.TimelineEntry> timeline = new ArrayList<>();
    List<SceneDocument.RaisedAlert> alerts = new ArrayList<>();
    Set<String> pendingAlerts = new HashSet<>();
    for (OutboxEntry entry : state.outbox()) {
      if (entry.kind() == OutboxEntry.Kind.PUBLISH
          && entry.topic() == Topic.CHECKSUM_ALERTS
          && entry.data() != null) {
        JsonNode data = entry.data();
        String stage = data.path("stage").asText(null);
        String at = data.path("occurred_at").asText(null);
        alerts.add(
            new SceneDocument.RaisedAlert(
                data.path("kind").asText(null), stage, at, entry.id(), false));
        pendingAlerts.add(stage + "|" + at);
      }
    }
    for (Stage stage : Stage.values()) {
      StageRecord record = state.stage(stage);
      MarkerRef trigger = record.trigger();
      JsonNode outcome = tree.path("stages").path(stage.wireName()).path("outcome");
      stages.add(
          new SceneDocument.StageEntry(
              stage,
              record.status(),
              record.updatedAt(),
              record.details().path("reason").asText(null),
              record.details().path("waiting_for").asText(null),
              trigger == null ? null : trigger.object(),
              trigger == null ? null : trigger.generation(),
              record.status() == StageStatus.FAILED ? failure(record, outcome) : null));
      for (Transition t : record.history()) {
        timeline.add(entry(stage.wireName(), t));
        // Every transition to failed raised an alert (the state machine fails a stage only on an
        // evaluation, and alerts on each); once published it is no longer in the state.
        if (StageStatus.FAILED.wireName().equals(t.to())
            && !pendingAlerts.contains(stage.wireName() + "|" + t.at())) {
          alerts.add(
              new SceneDocument.RaisedAlert(
                  alertKind(outcome, t.trigger()), stage.wireName(), t.at(), null, true));
        }
      }
    }
    for (Transition t : state.e2eHistory()) {
      timeline.add(entry("e2e", t));
    }
    return new SceneDocument(
        state.sceneId(),
        state.bucket(),
        state.verdict(),
        state.updatedAt(),
        stages,
        timeline,
        alerts,
        state.outbox().size());
  }

  private static SceneDocument.TimelineEntry entry(String stage, Transition t) {
    return new SceneDocument.TimelineEntry(
        t.at(),
        stage,
        t.from(),
        t.to(),
        t.cause(),
        t.reason(),
        t.trigger() == null ? null : t.trigger().object(),
        t.trigger() == null ? null : t.trigger().generation());
  }

  /** The alert kind of the evaluation that decided {@code trigger}, null when no longer known. */
  private static String alertKind(JsonNode outcome, MarkerRef trigger) {
    if (!outcome.isObject() || trigger == null || !trigger.equals(marker(outcome.path("marker")))) {
      return null;
    }
    return CHECKSUM.equals(outcome.path("kind").asText()) ? "checksum_failure" : "gate_failure";
  }

  private static final String CHECKSUM = "checksum";

  private static MarkerRef marker(JsonNode node) {
    if (!node.isObject() || !node.hasNonNull("object")) {
      return null;
    }
    try {
      return MarkerRef.of(
          node.path("object").asText(), Long.parseLong(node.path("generation").asText()));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static SceneDocument.Failure failure(StageRecord record, JsonNode e) {
    if (!e.isObject() || e.path("passed").asBoolean(false)) {
      return new SceneDocument.Failure(
          null, record.details().path("reason").asText(null), null, List.of(), 0, List.of());
    }
    List<SceneDocument.FileFailure> files = new ArrayList<>();
    for (JsonNode f : e.path("failures")) {
      files.add(
          new SceneDocument.FileFailure(
              text(f, "path"),
              text(f, "kind"),
              text(f, "expected_sha256"),
              text(f, "actual_sha256"),
              f.hasNonNull("expected_size") ? f.get("expected_size").asLong() : null,
              f.hasNonNull("actual_size") ? f.get("actual_size").asLong() : null));
    }
    String kind = text(e, "kind");
    String reason = text(e, "reason");
    String path = text(e, "path");
    return new SceneDocument.Failure(
        kind,
        reason,
        path,
        files,
        Math.max(e.path("failures_total").asInt(), files.size()),
        remediation(kind, reason, path, record.trigger()));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /**
   * The remediation steps the stage's alert carried: the state machine's rule (SceneMachine.alert),
   * which the state does not keep once the alert is published.
   */
  private static List<String> remediation(
      String kind, String reason, String path, MarkerRef trigger) {
    if (CHECKSUM.equals(kind)) {
      return ChecksumAlert.REMEDIATION;
    }
    return List.of(
        "Inspect " + path + ": " + reason,
        "Fix the upstream job (no mock capture, real PhysX, thresholds of the runbook) and"
            + " re-run it; a new generation of "
            + (trigger == null ? "the stage's marker" : trigger.object())
            + " re-opens the stage.");
  }
}
