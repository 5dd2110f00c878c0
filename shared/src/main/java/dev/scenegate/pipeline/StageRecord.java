package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.scenegate.events.EventJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One stage inside a scene's state: its status, the marker that decided it, the newest generation
 * seen of each of its marker objects, the evaluation of the deciding marker, the details its last
 * event carried, and the audit trail. Immutable: the machine returns new records.
 */
public record StageRecord(
    StageStatus status,
    MarkerRef trigger,
    @JsonSerialize(contentUsing = ToStringSerializer.class) Map<String, Long> markers,
    Evaluation outcome,
    ObjectNode details,
    String updatedAt,
    List<Transition> history) {

  /** Audit entries kept per stage; older ones are dropped. */
  public static final int MAX_HISTORY = 25;

  public StageRecord {
    status = status == null ? StageStatus.PENDING : status;
    markers = Collections.unmodifiableMap(new TreeMap<>(markers == null ? Map.of() : markers));
    details = details == null ? EventJson.MAPPER.createObjectNode() : details;
    history = history == null ? List.of() : List.copyOf(history);
  }

  static StageRecord fresh() {
    return new StageRecord(null, null, null, null, null, null, null);
  }

  /** Newest generation seen per marker object name. */
  @Override
  public Map<String, Long> markers() {
    return markers;
  }

  /**
   * Why the stage did not move on its newest marker, when it did not: the reason of the newest
   * history entry that changed no status (e.g. a {@code .geniesim_submitted} after a decided
   * complete). For {@code status} to show under the stage's row.
   */
  public Optional<String> note() {
    if (history.isEmpty()) {
      return Optional.empty();
    }
    Transition last = history.get(history.size() - 1);
    return last.from() != null && last.from().equals(last.to())
        ? Optional.ofNullable(last.reason())
        : Optional.empty();
  }

  StageRecord withMarker(String object, long generation) {
    Map<String, Long> next = new TreeMap<>(markers);
    next.merge(object, generation, Math::max);
    return new StageRecord(status, trigger, next, outcome, details, updatedAt, history);
  }

  StageRecord withOutcome(Evaluation evaluation) {
    return new StageRecord(status, trigger, markers, evaluation, details, updatedAt, history);
  }

  StageRecord moved(
      StageStatus to, MarkerRef by, ObjectNode newDetails, String at, Transition transition) {
    return new StageRecord(to, by, markers, outcome, newDetails, at, trimmed(transition));
  }

  StageRecord noted(Transition transition) {
    return new StageRecord(
        status, trigger, markers, outcome, details, updatedAt, trimmed(transition));
  }

  private List<Transition> trimmed(Transition transition) {
    List<Transition> next = new ArrayList<>(history);
    next.add(transition);
    return next.subList(Math.max(0, next.size() - MAX_HISTORY), next.size());
  }
}
