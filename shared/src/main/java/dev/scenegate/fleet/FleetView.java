package dev.scenegate.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.EventJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet at one moment: every scene with a state document, in {@link SceneSummary#FLEET_ORDER}
 * (failures first). {@code readAt} is the instant stale stages were judged at.
 */
public record FleetView(List<SceneSummary> scenes, Instant readAt) {

  public FleetView {
    List<SceneSummary> sorted = new ArrayList<>(scenes);
    sorted.sort(SceneSummary.FLEET_ORDER);
    scenes = List.copyOf(sorted);
  }

  /** Scenes per verdict, every verdict present (zero included), in fleet order. */
  public Map<String, Integer> counts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String verdict : SceneSummary.VERDICT_ORDER) {
      counts.put(verdict, 0);
    }
    for (SceneSummary scene : scenes) {
      counts.merge(scene.verdictName(), 1, Integer::sum);
    }
    return counts;
  }

  /** Scenes with at least one stale stage. */
  public int staleCount() {
    return (int) scenes.stream().filter(s -> !s.stale().isEmpty()).count();
  }

  /**
   * Only the failed scenes ({@code failed}), only those with a stale stage ({@code stale}), or,
   * with both, the scenes that are either: what needs a look. Neither keeps every scene.
   */
  public FleetView filter(boolean failed, boolean stale) {
    if (!failed && !stale) {
      return this;
    }
    List<SceneSummary> kept = new ArrayList<>();
    for (SceneSummary scene : scenes) {
      if ((failed && scene.failed()) || (stale && !scene.stale().isEmpty())) {
        kept.add(scene);
      }
    }
    return new FleetView(kept, readAt);
  }

  /** DESIGN's {@code scenes --json}: {@code {"scenes": [...], "counts": {verdict: n}}}. */
  public ObjectNode toJson() {
    ObjectNode root = EventJson.MAPPER.createObjectNode();
    ArrayNode list = root.putArray("scenes");
    for (SceneSummary scene : scenes) {
      list.add(scene.toJson());
    }
    ObjectNode countNode = root.putObject("counts");
    counts().forEach(countNode::put);
    return root;
  }
}
