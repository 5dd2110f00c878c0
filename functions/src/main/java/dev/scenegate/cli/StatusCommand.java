package dev.scenegate.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.pipeline.MarkerRef;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.pipeline.StageRecord;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.pipeline.Transition;
import dev.scenegate.pipeline.Verdict;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.ObjectStore;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scenegate status SCENE_ID (--bucket B | --dir DIR) [--state-prefix P] [--json]}. */
@Command(
    name = "status",
    customSynopsis =
        "scenegate status SCENE_ID (--bucket B | --dir DIR) [--state-prefix P] [--json]",
    header = "show a scene's stage table, E2E verdict and recent history",
    description =
        """
        Shows the scene's end-to-end state as the marker function recorded it: every stage's
        status and the marker that decided it, the E2E verdict, and the recent transitions.
        """,
    footer =
        """
        exit codes: 0 the scene has a state and its verdict is not failed (pending, running,
                    passed), 1 the verdict is failed, 2 no such scene state, an unreadable one,
                    or bad input""")
public final class StatusCommand extends CliCommand {
  /** History entries shown, newest first. */
  static final int RECENT = 15;

  @Parameters(
      index = "0",
      paramLabel = "SCENE_ID",
      description = "the scene (scenes/<SCENE_ID>/ in the bucket)")
  String sceneId;

  @Mixin StateLocation location;

  @Option(
      names = "--json",
      description =
          "print the state summary as one JSON object on one line (on exit 2: {\"scene_id\","
              + " \"verdict\": null, \"error\": {\"kind\", \"message\"}})")
  boolean json;

  @Override
  protected int run() throws Exception {
    return show(console(), json);
  }

  /** With --json a failure is one JSON object too, as with verify and check. */
  @Override
  protected ObjectNode jsonFailure(CliException e) {
    return EventJson.MAPPER.valueToTree(new Failure(sceneId, null, e.toJson()));
  }

  private int show(Console console, boolean json) throws Exception {
    SceneTarget.sceneId(sceneId);
    ObjectStore store = SceneTarget.store(location.bucket(), location.dir(), console);
    SceneStateStore states =
        new SceneStateStore(
            store,
            location.statePrefix() == null
                ? SceneStateStore.DEFAULT_PREFIX
                : location.statePrefix());
    String where = store.describe(states.objectName(sceneId));
    Optional<SceneStateStore.Loaded> loaded;
    try {
      loaded = states.inspect(sceneId);
    } catch (SceneState.StateCorruptException e) {
      throw new CliException(ExitCodes.BAD_INPUT, "STATE_UNREADABLE", e.getMessage());
    } catch (IOException e) {
      CliException storage = StorageErrors.classify(e, console.env());
      throw storage != null
          ? storage
          : new CliException(ExitCodes.BAD_INPUT, StorageErrors.KIND, Main.describe(e));
    }
    if (loaded.isEmpty()) {
      throw new CliException(
          ExitCodes.BAD_INPUT, "NOT_FOUND", "no state for scene " + sceneId + " at " + where);
    }
    SceneState state = loaded.get().state();
    if (json) {
      console.out().println(toJson(state, where));
    } else {
      printTable(console.out(), state, where, true);
    }
    if (state.verdict() == Verdict.FAILED) {
      // DESIGN: exit 1 is a verification or gate failure, as `check` and `local --once` report it.
      List<String> failed = new ArrayList<>();
      for (Stage stage : Stage.values()) {
        if (state.stage(stage).status() == StageStatus.FAILED) {
          failed.add(stage.wireName());
        }
      }
      console
          .err()
          .println(
              "scenegate status: FAIL "
                  + sceneId
                  + ": verdict failed (failed: "
                  + String.join(", ", failed)
                  + ")");
      return ExitCodes.FAILED;
    }
    return ExitCodes.OK;
  }

  /** The {@code status --json} answer on exit 2: the scene, a null verdict and the error. */
  record Failure(String sceneId, String verdict, ObjectNode error) {}

  /**
   * The {@code status --json} answer (DESIGN "Command line"), bound through {@link
   * EventJson#MAPPER}: keys in component order, nulls written; {@code use_geniesim} only when the
   * state holds the scene's config. {@code error} is always null here.
   */
  record Report(
      String sceneId,
      String bucket,
      String stateObject,
      String verdict,
      String updatedAt,
      Map<String, StageView> stages,
      List<HistoryEntry> history,
      int outboxPending,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean useGeniesim,
      ObjectNode error) {}

  /** One stage of {@link Report}: its status, trigger and the reason its details give. */
  record StageView(
      String status, MarkerRef trigger, String updatedAt, String reason, ObjectNode details) {}

  /** One transition of a stage ({@code e2e} for the verdict), as {@code history} lists it. */
  record HistoryEntry(
      String at,
      String stage,
      String from,
      String to,
      MarkerRef trigger,
      String cause,
      String reason) {}

  /** Recent transitions of every stage and the verdict, newest first. */
  static List<HistoryEntry> recentHistory(SceneState state) {
    List<HistoryEntry> all = new ArrayList<>();
    for (Stage stage : Stage.values()) {
      for (Transition t : state.stage(stage).history()) {
        all.add(transition(stage.wireName(), t));
      }
    }
    for (Transition t : state.e2eHistory()) {
      all.add(transition("e2e", t));
    }
    // By instant, not by text: Instant.toString() drops trailing zero groups of the fraction.
    all.sort(Comparator.comparing((HistoryEntry n) -> instant(n.at())).reversed());
    return all.subList(0, Math.min(RECENT, all.size()));
  }

  private static Instant instant(String at) {
    if (at == null) {
      return Instant.MIN;
    }
    try {
      return Instant.parse(at);
    } catch (DateTimeParseException e) {
      return Instant.MIN;
    }
  }

  private static HistoryEntry transition(String stage, Transition t) {
    return new HistoryEntry(t.at(), stage, t.from(), t.to(), t.trigger(), t.cause(), t.reason());
  }

  static ObjectNode toJson(SceneState state, String where) {
    Map<String, StageView> stages = new LinkedHashMap<>();
    for (Stage stage : Stage.values()) {
      StageRecord r = state.stage(stage);
      stages.put(
          stage.wireName(),
          new StageView(
              r.status().wireName(),
              r.trigger(),
              r.updatedAt(),
              r.details().path("reason").asText(null),
              r.details()));
    }
    Report report =
        new Report(
            state.sceneId(),
            state.bucket(),
            where,
            state.verdict().wireName(),
            state.updatedAt(),
            stages,
            recentHistory(state),
            state.outbox().size(),
            state.config() == null ? null : state.config().useGeniesim(),
            null);
    return EventJson.MAPPER.valueToTree(report);
  }

  /**
   * The stage table and verdict of {@code state} ({@code where}: its state object), and with {@code
   * withHistory} the recent transitions. Shared with {@code scenegate demo}.
   */
  public static void printTable(
      PrintStream out, SceneState state, String where, boolean withHistory) {
    out.printf("scene %s  (%s)%n", state.sceneId(), where);
    out.printf("verdict: %s%s%n%n", state.verdict().wireName(), since(state.updatedAt()));
    out.printf("%-17s %-8s %-20s %s%n", "STAGE", "STATUS", "GENERATION", "TRIGGER / REASON");
    for (Stage stage : Stage.values()) {
      StageRecord r = state.stage(stage);
      String generation = r.trigger() == null ? "-" : Long.toString(r.trigger().generation());
      String trigger = r.trigger() == null ? "-" : r.trigger().object();
      out.printf(
          "%-17s %-8s %-20s %s%n", stage.wireName(), r.status().wireName(), generation, trigger);
      String reason = r.details().path("reason").asText("");
      if (!reason.isEmpty() && !reason.equals("passed")) {
        out.printf("%-47s %s%n", "", Main.oneLine(clip(reason, 160)));
      }
    }
    List<HistoryEntry> history = withHistory ? recentHistory(state) : List.of();
    if (!history.isEmpty()) {
      out.printf("%nrecent history (newest first):%n");
      for (HistoryEntry t : history) {
        out.printf(
            "  %s  %-16s %s -> %s%s%n",
            t.at(),
            t.stage(),
            t.from(),
            t.to(),
            t.reason() != null ? "  (" + Main.oneLine(clip(t.reason(), 100)) + ")" : "");
      }
    }
    if (!state.outbox().isEmpty()) {
      out.printf(
          "%n%d side effect(s) not yet confirmed; the next delivery for the scene retries them%n",
          state.outbox().size());
    }
  }

  private static String since(String at) {
    return at == null ? "" : "  (updated " + at + ")";
  }

  private static String clip(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max) + "...";
  }
}
