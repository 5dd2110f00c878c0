package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.scene.Stage;
import java.util.TreeSet;

/**
 * The part of a scene state that must not depend on delivery order: statuses, deciding markers,
 * newest marker generations, evaluation verdicts, the E2E verdict and the processed triggers.
 * Timestamps, history order and which delivery happened to flip the verdict are left out.
 */
final class StateCanon {
  private StateCanon() {}

  static String of(SceneState state) {
    ObjectNode root = EventJson.MAPPER.createObjectNode();
    root.put("verdict", state.verdict().wireName());
    root.put("use_geniesim", state.config() == null || state.config().useGeniesim());
    for (Stage stage : Stage.values()) {
      StageRecord r = state.stage(stage);
      ObjectNode s = root.putObject(stage.wireName());
      s.put("status", r.status().wireName());
      s.put(
          "trigger",
          r.trigger() == null ? null : r.trigger().object() + "#" + r.trigger().generation());
      s.put("markers", r.markers().toString());
      if (r.outcome() != null && r.status() != StageStatus.WAITING) {
        s.put("passed", r.outcome().passed());
        s.put("reason", r.outcome().reason());
        s.put("failures", r.outcome().failuresTotal());
      }
    }
    root.put("processed", new TreeSet<>(state.processed()).toString());
    root.put("outbox", state.outbox().size());
    return root.toPrettyString();
  }
}
