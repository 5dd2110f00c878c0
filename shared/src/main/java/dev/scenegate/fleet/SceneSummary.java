package dev.scenegate.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.pipeline.Verdict;
import dev.scenegate.scene.Stage;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One line of the fleet: a scene's verdict, the status of each stage in runbook order, the time of
 * its last change and the stages past their deadline. A state document that could not be read is a
 * summary too ({@link #unreadable()}), with no verdict and the reason in {@link #error()}: one bad
 * document must not hide the fleet.
 */
public record SceneSummary(
    String sceneId,
    String stateObject,
    Verdict verdict,
    String updatedAt,
    List<Cell> cells,
    List<StaleStage> stale,
    String error) {

  /** The verdict shown for a state document that could not be read. */
  public static final String UNREADABLE = "unreadable";

  /**
   * The verdicts in the order the fleet is sorted and counted: failures first, then what needs a
   * look, then the rest.
   */
  public static final List<String> VERDICT_ORDER =
      List.of(
          Verdict.FAILED.wireName(),
          UNREADABLE,
          Verdict.RUNNING.wireName(),
          Verdict.PENDING.wireName(),
          Verdict.PASSED.wireName());

  /** One stage of the scene: its status since {@code since}, {@code stale} past its deadline. */
  public record Cell(Stage stage, StageStatus status, String since, boolean stale, String reason) {}

  /**
   * A stage {@code running} or {@code waiting} past its deadline, in that status since {@code
   * since}.
   */
  public record StaleStage(Stage stage, StageStatus status, String since) {}

  public SceneSummary {
    cells = List.copyOf(cells);
    stale = List.copyOf(stale);
  }

  /**
   * The summary of a readable document, stale stages judged by {@code deadlines} at {@code now}.
   */
  public static SceneSummary of(
      SceneDocument document, String stateObject, Deadlines deadlines, Instant now) {
    List<Cell> cells = new ArrayList<>();
    List<StaleStage> stale = new ArrayList<>();
    for (SceneDocument.StageEntry s : document.stages()) {
      boolean overdue = deadlines.overdue(s.stage(), s.status(), instant(s.since()), now);
      cells.add(new Cell(s.stage(), s.status(), s.since(), overdue, s.reason()));
      if (overdue) {
        stale.add(new StaleStage(s.stage(), s.status(), s.since()));
      }
    }
    return new SceneSummary(
        document.sceneId(),
        stateObject,
        document.verdict(),
        document.updatedAt(),
        cells,
        stale,
        null);
  }

  /** A document that could not be read: {@code sceneId} as its object name says, and why. */
  public static SceneSummary unreadable(String sceneId, String stateObject, String error) {
    return new SceneSummary(sceneId, stateObject, null, null, List.of(), List.of(), error);
  }

  public boolean isUnreadable() {
    return error != null;
  }

  /** The verdict's wire name, or {@value #UNREADABLE}. */
  public String verdictName() {
    return verdict == null ? UNREADABLE : verdict.wireName();
  }

  public boolean failed() {
    return verdict == Verdict.FAILED;
  }

  public List<String> failedStages() {
    return stages(StageStatus.FAILED);
  }

  public List<String> waitingStages() {
    return stages(StageStatus.WAITING);
  }

  public List<String> runningStages() {
    return stages(StageStatus.RUNNING);
  }

  private List<String> stages(StageStatus status) {
    List<String> names = new ArrayList<>();
    for (Cell cell : cells) {
      if (cell.status() == status) {
        names.add(cell.stage().wireName());
      }
    }
    return names;
  }

  /** DESIGN's {@code scenes --json} entry; an unreadable one also carries {@code error}. */
  public ObjectNode toJson() {
    ObjectNode node = EventJson.MAPPER.createObjectNode();
    node.put("scene_id", sceneId);
    node.put("verdict", verdictName());
    node.put("updated_at", updatedAt);
    strings(node.putArray("failed_stages"), failedStages());
    strings(node.putArray("waiting_stages"), waitingStages());
    strings(node.putArray("running_stages"), runningStages());
    ArrayNode staleNode = node.putArray("stale");
    for (StaleStage s : stale) {
      ObjectNode entry = staleNode.addObject();
      entry.put("stage", s.stage().wireName());
      entry.put("since", s.since());
    }
    if (error != null) {
      node.put("error", error);
    }
    return node;
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  /**
   * Failures first, then unreadable documents, then scenes with a stale stage, running, pending,
   * passed; within each, the latest change first, then by scene id.
   */
  public static final Comparator<SceneSummary> FLEET_ORDER =
      Comparator.comparingInt(SceneSummary::rank)
          .thenComparing(
              SceneSummary::updatedInstant, Comparator.nullsLast(Comparator.reverseOrder()))
          .thenComparing(SceneSummary::sceneId);

  private int rank() {
    if (isUnreadable()) {
      return 1;
    }
    if (verdict == Verdict.FAILED) {
      return 0;
    }
    if (!stale.isEmpty()) {
      return 2;
    }
    return switch (verdict) {
      case RUNNING -> 3;
      case PENDING -> 4;
      default -> 5;
    };
  }

  private Instant updatedInstant() {
    return instant(updatedAt);
  }

  /** An ISO-8601 instant from a document, or null when absent or malformed. */
  static Instant instant(String at) {
    if (at == null) {
      return null;
    }
    try {
      return Instant.parse(at);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
