package dev.scenegate.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.cli.CliCommand;
import dev.scenegate.cli.CliException;
import dev.scenegate.cli.Console;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.cli.Main;
import dev.scenegate.cli.StopSignals;
import dev.scenegate.devstack.PubSubRest;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.PubSubConfig;
import dev.scenegate.events.PubSubEventPublisher;
import dev.scenegate.events.Topic;
import dev.scenegate.fleet.Deadlines;
import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.pipeline.Verdict;
import dev.scenegate.scene.SceneIds;
import dev.scenegate.sweep.PeriodicSweep;
import dev.scenegate.sweep.Reconciler;
import dev.scenegate.sweep.Sweep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scenegate local DIR [--once] [--pubsub-project P]}: the embedded default. */
@Command(
    name = "local",
    header = "a folder as the bucket: watch it and run every marker through the stage gates",
    description =
        """
        DIR acts as the bucket: every file created or replaced under it is a finalize event,
        handled by the same code as the Cloud Function (markers verify their manifests and
        reports and advance the scene's stages; everything else is dismissed). A scan at
        start-up catches what was written while scenegate was not running; a restart does not
        redo finished work. While watching, a sweep (reconcile, the freshness check, the
        metadata audit: see scenegate sweep) runs at start-up and every --sweep-interval.

        Scene state lives under DIR/_scenegate/state/. Stage events and alerts are printed and
        appended as JSON lines to DIR/_scenegate/events.jsonl. Ctrl-C (or SIGTERM) finishes the
        file in hand and stops: exit 0.
        """,
    footer =
        """
        environment: MIN_QUALITY_SCORE, MIN_PASS_RATE, MIN_AVERAGE_SCORE (thresholds),
                     VERIFY_THREADS

        exit codes: 0 done (--once: no scene failed; watching: stopped by Ctrl-C or SIGTERM),
                    1 --once: a scene's verdict is failed,
                    2 bad input (DIR not a folder, bad arguments) or --once could not process
                      a file (storage faults)""")
public final class LocalCommand extends CliCommand {
  /** How long Ctrl-C waits for the file in hand before abandoning it. */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  @Parameters(index = "0", paramLabel = "DIR", description = "the folder acting as the bucket")
  String dirOption;

  @Option(
      names = "--once",
      description = "scan, process what is new, print each scene's verdict, exit")
  boolean once;

  @Option(
      names = "--pubsub-project",
      paramLabel = "P",
      description =
          "also publish to Pub/Sub topics stage-events and checksum-alerts (STAGE_EVENTS_TOPIC,"
              + " CHECKSUM_ALERTS_TOPIC) in project P: the emulator at PUBSUB_EMULATOR_HOST when"
              + " set (topics are created there), real Pub/Sub otherwise")
  String pubSubProject;

  @Option(
      names = "--sweep-interval",
      paramLabel = "D",
      description =
          "while watching, run a sweep (reconcile, freshness, audit) at start-up and every D:"
              + " an ISO-8601 duration (default PT5M), or off")
  String sweepIntervalOption;

  @Override
  protected int run() throws Exception {
    Console console = console();
    Path dir = Path.of(dirOption);
    if (!Files.isDirectory(dir)) {
      throw CliException.usage(dir + " is not a folder");
    }
    String layout = layoutProblem(dir);
    if (layout != null) {
      boolean hasScenes = Files.isDirectory(dir.resolve("scenes"));
      if (once || (!hasScenes && !isEmpty(dir))) {
        // --once would only say "0 new markers"; a watch would wait for files in the wrong place.
        throw CliException.usage(layout);
      }
      if (hasScenes) {
        // Watching: scene folders may still come; say now why these ones are not looked at.
        console.err().println("scenegate local: " + layout);
      }
    }
    Duration sweepInterval;
    Deadlines deadlines;
    MarkerConfig config;
    try {
      sweepInterval = PeriodicSweep.parseInterval(sweepIntervalOption);
      deadlines = Deadlines.fromEnvironment(console.env());
      config = LocalMode.config(console.env());
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
    EventPublisher pubSub = pubSub(pubSubProject, console);
    LocalRunner.Listener listener = listener(console);
    try (LocalMode local =
        LocalMode.open(
            dir, console.out(), config, pubSub, LocalRunner.Options.defaults(), listener)) {
      return once ? once(local, console) : watch(local, console, sweepInterval, deadlines);
    }
  }

  /**
   * What is wrong with DIR as a bucket, as people get it wrong: its scenes/ folder or a scene
   * folder given instead of the root, no scenes/ at all, or scene folders whose names are not scene
   * ids (küche_001). Null when DIR holds at least one scene folder it understands.
   */
  static String layoutProblem(Path dir) throws IOException {
    String expected =
        " (DIR acts as the bucket: DIR/scenes/<scene_id>/..., scene ids matching "
            + SceneIds.PATTERN.pattern()
            + ")";
    Path parent = dir.toAbsolutePath().normalize().getParent();
    Path scenes = dir.resolve("scenes");
    if (!Files.isDirectory(scenes)) {
      String name = dir.toAbsolutePath().normalize().getFileName() + "";
      if (name.equals("scenes") && parent != null) {
        return dir
            + " is a scenes/ folder; give the folder that holds it: scenegate local "
            + parent;
      }
      if (parent != null
          && parent.getFileName() != null
          && parent.getFileName().toString().equals("scenes")
          && parent.getParent() != null) {
        return dir
            + " is a scene folder; give the bucket root that holds scenes/: scenegate local "
            + parent.getParent();
      }
      return "no scenes/ folder in " + dir + expected;
    }
    List<String> strangers = new ArrayList<>();
    try (var entries = Files.list(scenes)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        String name = entry.getFileName().toString();
        if (!Files.isDirectory(entry) || name.startsWith(".")) {
          continue;
        }
        if (SceneIds.isValid(name)) {
          return null;
        }
        strangers.add(name);
      }
    }
    if (strangers.isEmpty()) {
      return "no scene folder in " + scenes + expected;
    }
    strangers.sort(null);
    return "no scene folder in "
        + scenes
        + " is named by a scene id: "
        + String.join(", ", strangers.subList(0, Math.min(5, strangers.size())))
        + (strangers.size() > 5 ? " ..." : "")
        + expected;
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  private static int once(LocalMode local, Console console) throws Exception {
    LocalRunner.Summary summary = local.runner().runOnce();
    List<String> failed = new ArrayList<>();
    for (String sceneId : summary.scenes()) {
      Optional<SceneState> state = local.state(sceneId);
      String verdict = state.map(s -> s.verdict().wireName()).orElse("pending");
      console.out().println("scene " + sceneId + ": e2e " + verdict);
      if (state.isPresent() && state.get().verdict() == Verdict.FAILED) {
        failed.add(sceneId);
      }
    }
    console
        .out()
        .println(
            "scenegate local: "
                + summary.processed()
                + " new marker(s), "
                + summary.transitions()
                + " transition(s), "
                + summary.duplicates()
                + " already done; events in "
                + local.eventsFile());
    if (!summary.unprocessed().isEmpty()) {
      LocalRunner.Unprocessed first = summary.unprocessed().get(0);
      throw new CliException(
          ExitCodes.BAD_INPUT,
          "UNPROCESSED",
          summary.unprocessed().size()
              + " file(s) could not be processed; first: "
              + first.object()
              + ": "
              + first.reason());
    }
    if (!failed.isEmpty()) {
      throw new CliException(
          ExitCodes.FAILED, "FAILED", "e2e failed for " + String.join(", ", failed));
    }
    return ExitCodes.OK;
  }

  private static int watch(
      LocalMode local, Console console, Duration sweepInterval, Deadlines deadlines)
      throws Exception {
    LocalRunner runner = local.runner();
    PeriodicSweep sweeps =
        PeriodicSweep.of(
            local.store(),
            local.handler(),
            local.publisher(),
            local.meters(),
            deadlines,
            DigestLedger.local(local.store()),
            result -> reportSweep(console, result));
    // Ctrl-C or SIGTERM: the file in hand is finished, the watch ends, exit 0 (DESIGN "Signals").
    try (PeriodicSweep periodic = sweeps;
        StopSignals signals =
            StopSignals.install(
                () -> {
                  sweeps.stop();
                  runner.stop();
                })) {
      if (sweepInterval != null) {
        // What was written while scenegate was down, and what went stale meanwhile.
        sweeps.runNow();
        sweeps.every(sweepInterval);
      }
      console
          .out()
          .println(
              "scenegate local: watching "
                  + local.store().root()
                  + " (state and events.jsonl under "
                  + local.store().root().resolve(LocalRunner.OWN_FOLDER)
                  + "); Ctrl-C stops");
      console.out().flush();
      runner.watch();
    } finally {
      console.out().println("scenegate local: stopped");
      console.out().flush();
    }
    return ExitCodes.OK;
  }

  /** A sweep that re-drove markers or could not look at something says so; a quiet one not. */
  private static void reportSweep(Console console, Sweep.Result result) {
    JsonNode reconcile = result.steps().get(Reconciler.NAME);
    int redriven = reconcile == null ? 0 : reconcile.path("redriven").size();
    if (redriven > 0) {
      console.out().println("scenegate local: sweep re-drove " + redriven + " marker(s)");
    }
    if (!result.errors().isEmpty()) {
      console
          .err()
          .println(
              "scenegate local: sweep could not look at everything ("
                  + String.join(", ", result.errors())
                  + "); see scenegate sweep --dir for the report");
    }
    console.out().flush();
  }

  private static LocalRunner.Listener listener(Console console) {
    return new LocalRunner.Listener() {
      @Override
      public void retrying(String object, Exception error, int attempt, Duration retryIn) {
        console
            .err()
            .println(
                "scenegate local: "
                    + object
                    + " not processed ("
                    + Main.oneLine(LocalRunner.describe(error))
                    + "); attempt "
                    + (attempt + 1)
                    + " in "
                    + retryIn.toMillis()
                    + " ms");
      }

      @Override
      public void watchDegraded(IOException problem) {
        console
            .err()
            .println(
                "scenegate local: cannot watch every folder ("
                    + Main.oneLine(LocalRunner.describe(problem))
                    + "); rescanning every few seconds instead");
      }
    };
  }

  /** The Pub/Sub publisher for {@code --pubsub-project}, topics created on an emulator. */
  private static EventPublisher pubSub(String project, Console console) throws CliException {
    if (project == null) {
      return null;
    }
    if (project.isBlank()) {
      throw CliException.usage("--pubsub-project needs a project id");
    }
    PubSubConfig env = PubSubConfig.fromEnvironment(console.env());
    PubSubConfig config =
        new PubSubConfig(project, env.emulatorHost(), env.topicNames(), env.publishTimeout());
    if (config.usesEmulator()) {
      PubSubRest rest = new PubSubRest(config.emulatorHost(), project);
      try {
        for (Topic topic : Topic.values()) {
          String name = config.topicNames().get(topic);
          if (!name.startsWith("projects/")) {
            rest.ensureTopic(name);
          }
        }
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.BAD_INPUT,
            "PUBSUB_UNAVAILABLE",
            "cannot reach the Pub/Sub emulator at PUBSUB_EMULATOR_HOST="
                + config.emulatorHost()
                + ": "
                + LocalRunner.describe(e));
      }
    }
    return new PubSubEventPublisher(config);
  }
}
