package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.EventJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One stage inside a scene's state: its status, the marker that decided it, the newest generation
 * seen of each of its marker objects, the evaluation of the deciding marker, and the audit trail.
 * Mutable: a state document is parsed fresh for every compare-and-set attempt.
 */
public final class StageRecord {
  /** Audit entries kept per stage; older ones are dropped. */
  public static final int MAX_HISTORY = 25;

  StageStatus status = StageStatus.PENDING;
  MarkerRef trigger;
  final Map<String, Long> markers = new TreeMap<>();
  Evaluation outcome;
  ObjectNode details = EventJson.MAPPER.createObjectNode();
  String updatedAt;
  final List<Transition> history = new ArrayList<>();

  public StageStatus status() {
    return status;
  }

  public MarkerRef trigger() {
    return trigger;
  }

  /** Newest generation seen per marker object name. */
  public Map<String, Long> markers() {
    return markers;
  }

  public Evaluation outcome() {
    return outcome;
  }

  public ObjectNode details() {
    return details;
  }

  public String updatedAt() {
    return updatedAt;
  }

  public List<Transition> history() {
    return history;
  }

  void addHistory(Transition transition) {
    history.add(transition);
    while (history.size() > MAX_HISTORY) {
      history.remove(0);
    }
  }
}
