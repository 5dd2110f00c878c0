package dev.scenegate.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.backfill.ArtifactType;
import dev.scenegate.backfill.BackfillConfig;
import dev.scenegate.backfill.BackfillEngine;
import dev.scenegate.backfill.BackfillListener;
import dev.scenegate.backfill.BackfillScope;
import dev.scenegate.backfill.BackfillSummary;
import dev.scenegate.backfill.ByteRate;
import dev.scenegate.backfill.Checkpoint;
import dev.scenegate.backfill.CheckpointStore;
import dev.scenegate.backfill.Counts;
import dev.scenegate.backfill.FileCheckpointStore;
import dev.scenegate.backfill.ObjectCheckpointStore;
import dev.scenegate.backfill.RateLimiter;
import dev.scenegate.backfill.Shard;
import dev.scenegate.backfill.TokenBucket;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.LocalEventPublisher;
import dev.scenegate.events.PubSubConfig;
import dev.scenegate.events.PubSubEventPublisher;
import dev.scenegate.events.Topic;
import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.storage.BucketNames;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.verify.Verifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scenegate backfill TARGET ...}: records a SHA-256 in the metadata of every scene asset and
 * source image (see {@link BackfillEngine}), as a one-off command or as a Cloud Run Job task.
 */
@Command(
    name = "backfill",
    header = "record a SHA-256 for every scene asset and source image (resumable)",
    description =
        """
        Makes sure every object under scenes/<id>/assets/ and every scenes/<id>/source_image.png
        has its SHA-256 recorded in its custom metadata (sha256, size-bytes, sha256-computed-at,
        sha256-generation), written with an if-metageneration-match precondition, and creates a
        source_checksums.json for folders that have none (create-only: an existing manifest is
        never rewritten). Objects whose recorded hash is current for their generation are not
        read. Files are streamed through SHA-256, never held in memory. Manifests and dot-named
        markers are not hash targets. Order: artifact type, then object name.

        Drift (a recorded hash, in metadata or an existing manifest, that disagrees with the
        content) is logged at CRITICAL, published as a "drift" alert and then overwritten with
        the new hash (the old one is kept in sha256-drifted-from). It is never suppressed; a
        disagreement with a manifest that an earlier run already alerted is counted as
        known_drift and not alerted again.
        """,
    footer =
        """
        Cloud Run Job: with CLOUD_RUN_TASK_INDEX / CLOUD_RUN_TASK_COUNT set, this task takes the
        scenes whose id hashes to its index (first 8 bytes of SHA-256(scene_id) mod COUNT), keeps
        its own checkpoint and needs no coordination beyond the bucket. On SIGTERM it abandons
        the objects in flight, writes its checkpoint of what is done and exits 143. A retried
        attempt of a task that already finished in the same execution (CLOUD_RUN_EXECUTION)
        checks again and still reports the drift that attempt found (exit 1), so a retry never
        passes over it.

        exit codes: 0 done, nothing to report (objects that vanished are listed, not failures)
                    1 drift was found, or objects could not be read or their alert not sent
                    2 bad input (bad target or options, the listing or checkpoint failed)""")
public final class BackfillCommand extends CliCommand {
  /** Seconds a SIGTERM'd task gets to write its checkpoint and summary (in-flight reads stop). */
  private static final long SHUTDOWN_GRACE_SECONDS = 8;

  @Parameters(
      index = "0",
      paramLabel = "TARGET",
      description =
          "gs://BUCKET/scenes/ (or gs://BUCKET), or a local folder acting as the bucket root"
              + " (holding scenes/), or the scenes/ folder itself")
  String given;

  @Option(
      names = "--max-rate",
      paramLabel = "R",
      description =
          "cap on bytes read per second, a token bucket shared by all threads: 50MB/s (MB ="
              + " 10^6 bytes), 64MiB/s (MiB = 2^20), B/s, KB/s, KiB/s, GB/s, GiB/s (default:"
              + " unlimited)")
  String maxRate;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "objects hashed in parallel, 1..256 (default: available cores)")
  String threadsOption;

  @Option(
      names = "--dry-run",
      description =
          "list and stat only: read no content, write nothing (no metadata, manifests,"
              + " checkpoint or alerts); report how many objects and bytes would be hashed and"
              + " which manifests would be created")
  boolean dryRun;

  @Option(
      names = "--types",
      paramLabel = "T[,T]",
      description = "artifact types to backfill: asset, source_image (default: both)")
  String typesOption;

  @Option(names = "--json", description = "print the summary as one JSON object on stdout")
  boolean json;

  @Option(
      names = "--checkpoint",
      paramLabel = "FILE",
      description =
          "keep the checkpoint in a local file instead of the bucket object"
              + " _scenegate/backfill/checkpoint-<task>-of-<count>.json")
  String checkpointOption;

  @Option(
      names = "--restart",
      description = "ignore an unfinished checkpoint and start from the beginning")
  boolean restart;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "N",
      description =
          "write the checkpoint after every N objects (default 100) and at least every 30 s")
  String checkpointEveryOption;

  @Option(
      names = "--stop-after",
      paramLabel = "N",
      description =
          "stop cleanly after about N objects, as if interrupted (the summary says complete:"
              + " false; the next run resumes)")
  String stopAfterOption;

  @Option(
      names = "--progress-interval",
      paramLabel = "S",
      description =
          "seconds between progress lines when stderr is not a terminal (default 10); a"
              + " terminal gets a progress bar")
  String progressIntervalOption;

  @Option(
      names = "--pubsub-project",
      paramLabel = "P",
      description =
          "publish drift alerts to Pub/Sub in project P (default GOOGLE_CLOUD_PROJECT; Pub/Sub"
              + " is used when --pubsub-project, --alerts-topic or CHECKSUM_ALERTS_TOPIC is set)")
  String pubSubProject;

  @Option(
      names = "--alerts-topic",
      paramLabel = "T",
      description = "the Pub/Sub topic of drift alerts (default CHECKSUM_ALERTS_TOPIC)")
  String alertsTopic;

  @Option(
      names = "--alerts-file",
      paramLabel = "F",
      description = "otherwise append alerts as JSON lines to F (default: stderr)")
  String alertsFile;

  @Option(
      names = "--state-bucket",
      paramLabel = "S",
      description =
          "the bucket whose _scenegate/digests/ holds the digest ledger shared with verification"
              + " (default STATE_BUCKET, else the target bucket; a local TARGET keeps it in"
              + " TARGET/_scenegate/)")
  String stateBucket;

  @Override
  protected int run() throws Exception {
    return execute(console(), json);
  }

  @Override
  protected ObjectNode jsonFailure(CliException e) {
    ObjectNode root = EventJson.MAPPER.createObjectNode();
    root.put("target", given);
    root.set("error", e.toJson());
    return root;
  }

  private int execute(Console console, boolean json) throws Exception {
    int threads = Numbers.positiveInt("--threads", threadsOption, Verifier.defaultThreads(), 256);
    RateLimiter limiter = RateLimiter.unlimited();
    if (maxRate != null) {
      try {
        limiter = TokenBucket.of(ByteRate.parse(maxRate));
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--max-rate: " + e.getMessage());
      }
    }
    Set<ArtifactType> types = types(typesOption);
    Shard shard = shard(console);
    int checkpointEvery =
        Numbers.positiveInt(
            "--checkpoint-every",
            checkpointEveryOption,
            BackfillConfig.DEFAULT_CHECKPOINT_EVERY,
            1_000_000);
    int stopAfter =
        Numbers.positiveInt("--stop-after", stopAfterOption, Integer.MAX_VALUE, Integer.MAX_VALUE);
    int progressSeconds =
        Numbers.positiveInt("--progress-interval", progressIntervalOption, 10, 86_400);
    BackfillConfig config =
        BackfillConfig.of(threads)
            .withTypes(types)
            .withShard(shard)
            .withDryRun(dryRun)
            .withRestart(restart)
            // A retried attempt of this execution keeps the outcome (drift) of the one before.
            .withExecution(console.env("CLOUD_RUN_EXECUTION", null))
            .withCheckpointEvery(checkpointEvery, BackfillConfig.DEFAULT_CHECKPOINT_INTERVAL);

    ObjectStore store = store(given, console);
    CheckpointStore checkpoints =
        checkpointOption != null
            ? new FileCheckpointStore(localFile(checkpointOption, "--checkpoint"))
            : new ObjectCheckpointStore(store, Checkpoint.objectName(shard));

    try (EventPublisher alerts = alerts(console, dryRun);
        BackfillProgress progress =
            console.interactive() && !json
                ? BackfillProgress.bar(console.err())
                : BackfillProgress.lines(console.err(), Duration.ofSeconds(progressSeconds))) {
      BackfillEngine engine =
          new BackfillEngine(
              store,
              alerts,
              new SimpleMeterRegistry(),
              Clock.systemUTC(),
              limiter,
              config,
              checkpoints,
              ledger(store, console));
      AtomicLong finished = new AtomicLong();
      BackfillListener listener =
          new BackfillListener() {
            @Override
            public void planned(long objects, long filesToHash, long bytesToHash) {
              progress.planned(objects, filesToHash, bytesToHash);
            }

            @Override
            public void hashed(long bytes) {
              progress.hashed(bytes);
            }

            @Override
            public void finished(dev.scenegate.backfill.Artifact artifact, String outcome) {
              finished.incrementAndGet();
              progress.finished(artifact, outcome);
            }
          };
      AtomicBoolean terminated = new AtomicBoolean();
      BooleanSupplier stop = () -> terminated.get() || finished.get() >= stopAfter;
      CountDownLatch ended = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                // Cloud Run sends SIGTERM before killing a task: abandon what is in flight,
                // checkpoint what is done, say how to resume; the JVM then exits 143.
                terminated.set(true);
                try {
                  ended.await(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "scenegate-backfill-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        BackfillSummary summary = engine.run(listener, stop, terminated::get);
        progress.close();
        if (terminated.get()) {
          console.err().println(resumeHint(checkpoints));
        }
        if (json) {
          console.out().println(summary.toJson());
        } else {
          BackfillTable.print(console.out(), summary);
        }
        console.out().flush();
        if (!summary.hasFindings()) {
          return ExitCodes.OK;
        }
        console.err().println("scenegate backfill: " + findings(summary.total()));
        return ExitCodes.FAILED;
      } finally {
        // After the summary is out: a SIGTERM'd JVM halts as soon as the hook returns.
        ended.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // shutting down already: the hook is running and sees the latch released
        }
      }
    }
  }

  /**
   * The digest ledger the verifications of this bucket use (DESIGN, "Digest ledger"): what they
   * hashed is not read again, what this run hashes they reuse.
   */
  private DigestLedger ledger(ObjectStore store, Console console) throws CliException {
    if (store instanceof LocalObjectStore) {
      return DigestLedger.local(store);
    }
    String state = stateBucket != null ? stateBucket : console.env("STATE_BUCKET", null);
    if (state == null || state.isBlank() || state.equals(store.bucket())) {
      return DigestLedger.forBucket(store, store.bucket());
    }
    Optional<String> bad = BucketNames.problem(state);
    if (bad.isPresent()) {
      throw CliException.usage("--state-bucket: " + bad.get());
    }
    return DigestLedger.forBucket(GcsTargets.open(state, console), store.bucket());
  }

  /** The one line a SIGTERM'd run leaves on stderr (DESIGN: Signals). */
  static String resumeHint(CheckpointStore checkpoints) {
    return "scenegate backfill: stopped by SIGTERM; progress is in "
        + checkpoints.describe()
        + "; run the same command again to resume from it";
  }

  /** Why the run exits 1, on one line (the details are in the summary and the drift log). */
  static String findings(Counts total) {
    List<String> parts = new java.util.ArrayList<>();
    if (total.driftEvents() > 0) {
      parts.add(total.driftEvents() + " drift event(s)");
    }
    if (total.skippedUnreadable() > 0) {
      parts.add(total.skippedUnreadable() + " object(s) could not be read");
    }
    if (total.skippedAlertFailed() > 0) {
      parts.add(total.skippedAlertFailed() + " drift alert(s) could not be sent");
    }
    return String.join(", ", parts) + " (see the summary)";
  }

  // ---- arguments ----

  static Set<ArtifactType> types(String value) throws CliException {
    if (value == null) {
      return EnumSet.allOf(ArtifactType.class);
    }
    Set<ArtifactType> types = EnumSet.noneOf(ArtifactType.class);
    for (String part : value.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      types.add(
          ArtifactType.fromWireName(part)
              .orElseThrow(
                  () ->
                      CliException.usage(
                          "--types: unknown artifact type '"
                              + part.strip()
                              + "' (known: asset, source_image)")));
    }
    if (types.isEmpty()) {
      throw CliException.usage("--types: name at least one of asset, source_image");
    }
    return types;
  }

  /** This task's shard, from the Cloud Run Job environment (one shard when unset). */
  static Shard shard(Console console) throws CliException {
    String index = console.env("CLOUD_RUN_TASK_INDEX", null);
    String count = console.env("CLOUD_RUN_TASK_COUNT", null);
    if (index == null && count == null) {
      return Shard.all();
    }
    try {
      return Shard.of(
          index == null ? 0 : Integer.parseInt(index.strip()),
          count == null ? 1 : Integer.parseInt(count.strip()));
    } catch (NumberFormatException e) {
      throw CliException.usage(
          "CLOUD_RUN_TASK_INDEX / CLOUD_RUN_TASK_COUNT must be whole numbers, got '"
              + index
              + "' / '"
              + count
              + "'");
    } catch (IllegalArgumentException e) {
      throw CliException.usage("CLOUD_RUN_TASK_INDEX / CLOUD_RUN_TASK_COUNT: " + e.getMessage());
    }
  }

  /** The bucket: {@code gs://BUCKET[/scenes[/]]} or a local folder acting as its root. */
  static ObjectStore store(String given, Console console) throws CliException {
    if (given.startsWith("gs://")) {
      String rest = given.substring("gs://".length());
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      String prefix = slash < 0 ? "" : rest.substring(slash + 1);
      Optional<String> badBucket = BucketNames.problem(bucket);
      if (badBucket.isPresent()) {
        throw CliException.usage("not a bucket name in " + given + ": " + badBucket.get());
      }
      if (!(prefix.isEmpty() || prefix.equals("scenes") || prefix.equals("scenes/"))) {
        throw CliException.usage(
            "TARGET must be gs://BUCKET/scenes/ or gs://BUCKET (the backfill covers every scene),"
                + " got "
                + given);
      }
      return GcsTargets.open(bucket, console);
    }
    Path path = localPath(given, "TARGET");
    if (!Files.isDirectory(path)) {
      throw CliException.usage("no such folder: " + given);
    }
    String scenes =
        BackfillScope.SCENES_PREFIX.substring(0, BackfillScope.SCENES_PREFIX.length() - 1);
    if (Files.isDirectory(path.resolve(scenes))) {
      return new LocalObjectStore(path);
    }
    if (path.getFileName() != null
        && path.getFileName().toString().equals(scenes)
        && path.getParent() != null) {
      return new LocalObjectStore(path.getParent());
    }
    throw CliException.usage(
        "no scenes/ folder in " + given + " (TARGET is the bucket root or its scenes/ folder)");
  }

  private static Path localPath(String given, String what) throws CliException {
    return LocalPaths.of(given, what);
  }

  /** A file option's path; a folder there would only fail later, without naming the option. */
  private static Path localFile(String given, String what) throws CliException {
    Path path = localPath(given, what);
    if (Files.isDirectory(path)) {
      throw CliException.usage(what + " is a folder, not a file: " + path);
    }
    return path;
  }

  /** Pub/Sub when asked for (options or CHECKSUM_ALERTS_TOPIC), else JSON lines locally. */
  private EventPublisher alerts(Console console, boolean dryRun) throws CliException {
    String project = pubSubProject;
    String topic = alertsTopic;
    boolean pubSub =
        project != null || topic != null || console.env("CHECKSUM_ALERTS_TOPIC", null) != null;
    if (pubSub && !dryRun) {
      PubSubConfig config = PubSubConfig.fromEnvironment(console.env());
      if (project != null) {
        config =
            new PubSubConfig(
                project, config.emulatorHost(), config.topicNames(), config.publishTimeout());
      }
      if (topic != null) {
        config = config.withTopicName(Topic.CHECKSUM_ALERTS, topic);
      }
      try {
        config.topicPath(Topic.CHECKSUM_ALERTS);
      } catch (IllegalStateException e) {
        throw CliException.usage(
            "drift alerts go to Pub/Sub but no project is known: pass --pubsub-project or set"
                + " GOOGLE_CLOUD_PROJECT");
      }
      return new PubSubEventPublisher(config);
    }
    if (alertsFile != null) {
      return new LocalEventPublisher(
          localFile(alertsFile, "--alerts-file"), null, Clock.systemUTC());
    }
    return new LocalEventPublisher(null, console.err(), Clock.systemUTC());
  }
}
