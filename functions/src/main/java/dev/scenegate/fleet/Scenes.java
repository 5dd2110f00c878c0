package dev.scenegate.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.cli.CliException;
import dev.scenegate.cli.Console;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.cli.Main;
import dev.scenegate.events.EventJson;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code scenegate scenes}: the fleet, one line per scene, failures first, or DESIGN's JSON. The
 * logic, apart from parsing arguments ({@link ScenesCommand} does that).
 */
public final class Scenes {
  /** What the command was asked: the store, the state prefix, the filters and the output. */
  public record Options(
      String bucket,
      String dir,
      String statePrefix,
      boolean failedOnly,
      boolean staleOnly,
      boolean json) {}

  private Scenes() {}

  /** Prints the fleet; 0 when it could be listed, {@link CliException} (exit 2) otherwise. */
  public static int run(Options options, Console console) throws CliException {
    FleetView view;
    String where;
    try (FleetReader reader =
        FleetSource.open(options.bucket(), options.dir(), options.statePrefix(), console)) {
      where = FleetSource.describe(reader);
      try {
        view = reader.read();
      } catch (IOException | RuntimeException e) {
        throw new CliException(
            ExitCodes.BAD_INPUT,
            "STORAGE_ERROR",
            "cannot list the scene states at " + where + ": " + Main.describe(e));
      }
      FleetView shown = view.filter(options.failedOnly(), options.staleOnly());
      if (options.json()) {
        console.out().println(shown.toJson());
      } else {
        printTable(console.out(), shown, view, where, reader.deadlines(), options);
      }
    }
    return ExitCodes.OK;
  }

  /** The error object of {@code --json} output: empty fleet, and what went wrong. */
  static ObjectNode jsonError(CliException e) {
    ObjectNode root = EventJson.MAPPER.createObjectNode();
    root.putArray("scenes");
    root.putObject("counts");
    root.set("error", e.toJson());
    return root;
  }

  private static void printTable(
      PrintStream out,
      FleetView shown,
      FleetView all,
      String where,
      Deadlines deadlines,
      Options options) {
    if (all.scenes().isEmpty()) {
      out.println("no scene states under " + printable(where));
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {"SCENE", "VERDICT", "LAST CHANGE", "FAILED", "WAITING", "RUNNING", "STALE"});
    for (SceneSummary s : shown.scenes()) {
      String stale;
      if (s.isUnreadable()) {
        stale = "state unreadable: " + s.error();
      } else {
        List<String> parts = new ArrayList<>();
        for (SceneSummary.StaleStage st : s.stale()) {
          parts.add(
              st.stage().wireName()
                  + " "
                  + st.status().wireName()
                  + " since "
                  + shortTime(st.since()));
        }
        stale = dash(parts);
      }
      rows.add(
          new String[] {
            s.sceneId(),
            s.verdictName(),
            shortTime(s.updatedAt()),
            dash(s.failedStages()),
            dash(s.waitingStages()),
            dash(s.runningStages()),
            stale
          });
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length - 1; i++) {
        widths[i] = Math.max(widths[i], printable(row[i]).length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        String cell = printable(row[i]);
        line.append(cell);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - cell.length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
    out.println();
    StringBuilder summary = new StringBuilder();
    summary.append(all.scenes().size()).append(" scene(s) under ").append(printable(where));
    List<String> counts = new ArrayList<>();
    for (Map.Entry<String, Integer> e : all.counts().entrySet()) {
      if (e.getValue() > 0) {
        counts.add(e.getValue() + " " + e.getKey());
      }
    }
    summary.append(": ").append(String.join(", ", counts));
    summary
        .append("; ")
        .append(all.staleCount())
        .append(" with a stale stage (running > ")
        .append(deadlines.running())
        .append(", waiting > ")
        .append(deadlines.waiting())
        .append(")");
    if (options.failedOnly() || options.staleOnly()) {
      summary
          .append("; shown: ")
          .append(shown.scenes().size())
          .append(options.failedOnly() && options.staleOnly() ? " failed or stale" : "")
          .append(options.failedOnly() && !options.staleOnly() ? " failed" : "")
          .append(!options.failedOnly() && options.staleOnly() ? " stale" : "");
    }
    out.println(summary);
  }

  /** An instant to the second ({@code 2026-12-01T11:19:50Z}); the JSON keeps it whole. */
  private static String shortTime(String at) {
    if (at == null) {
      return "-";
    }
    try {
      return java.time.Instant.parse(at)
          .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
          .toString();
    } catch (java.time.format.DateTimeParseException e) {
      return at;
    }
  }

  private static String dash(List<String> values) {
    return values.isEmpty() ? "-" : String.join(",", values);
  }

  /** Names from the bucket may hold control characters; a terminal must not interpret them. */
  static String printable(String value) {
    StringBuilder b = new StringBuilder(value.length());
    value.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}
