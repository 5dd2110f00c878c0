package dev.scenegate.backfill;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * How a backfill runs.
 *
 * @param types artifact types to hash (others are left alone)
 * @param threads objects hashed in parallel
 * @param dryRun list and stat only: read no content, write nothing (no metadata, manifests,
 *     checkpoint or alerts); report what a real run would do
 * @param shard this task's share of the scenes
 * @param checkpointEvery write the checkpoint after this many finished objects ...
 * @param checkpointInterval ... or when this much time has passed since the last write
 * @param maxAttempts tries per object when it changes under the backfill or a read fails
 *     transiently
 * @param restart ignore an unfinished checkpoint and start from the beginning
 * @param execution the Cloud Run execution this task runs in ({@code CLOUD_RUN_EXECUTION}), or
 *     null; a retried attempt of a task that already completed in it reports that outcome again
 */
public record BackfillConfig(
    Set<ArtifactType> types,
    int threads,
    boolean dryRun,
    Shard shard,
    int checkpointEvery,
    Duration checkpointInterval,
    int maxAttempts,
    boolean restart,
    String execution) {

  public static final int DEFAULT_CHECKPOINT_EVERY = 100;
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  public BackfillConfig {
    if (types.isEmpty()) {
      throw new IllegalArgumentException("at least one artifact type is needed");
    }
    types = Set.copyOf(types);
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    if (checkpointEvery < 1 || maxAttempts < 1) {
      throw new IllegalArgumentException("checkpointEvery and maxAttempts must be positive");
    }
  }

  /** Every type, one shard, the default checkpoint cadence. */
  public static BackfillConfig of(int threads) {
    return new BackfillConfig(
        EnumSet.allOf(ArtifactType.class),
        threads,
        false,
        Shard.all(),
        DEFAULT_CHECKPOINT_EVERY,
        DEFAULT_CHECKPOINT_INTERVAL,
        DEFAULT_MAX_ATTEMPTS,
        false,
        null);
  }

  /** The requested types in processing order. */
  public List<ArtifactType> orderedTypes() {
    return EnumSet.copyOf(types).stream().toList();
  }

  public BackfillConfig withTypes(Set<ArtifactType> types) {
    return new BackfillConfig(
        types,
        threads,
        dryRun,
        shard,
        checkpointEvery,
        checkpointInterval,
        maxAttempts,
        restart,
        execution);
  }

  public BackfillConfig withDryRun(boolean dryRun) {
    return new BackfillConfig(
        types,
        threads,
        dryRun,
        shard,
        checkpointEvery,
        checkpointInterval,
        maxAttempts,
        restart,
        execution);
  }

  public BackfillConfig withShard(Shard shard) {
    return new BackfillConfig(
        types,
        threads,
        dryRun,
        shard,
        checkpointEvery,
        checkpointInterval,
        maxAttempts,
        restart,
        execution);
  }

  public BackfillConfig withCheckpointEvery(int objects, Duration interval) {
    return new BackfillConfig(
        types, threads, dryRun, shard, objects, interval, maxAttempts, restart, execution);
  }

  public BackfillConfig withRestart(boolean restart) {
    return new BackfillConfig(
        types,
        threads,
        dryRun,
        shard,
        checkpointEvery,
        checkpointInterval,
        maxAttempts,
        restart,
        execution);
  }

  public BackfillConfig withExecution(String execution) {
    return new BackfillConfig(
        types,
        threads,
        dryRun,
        shard,
        checkpointEvery,
        checkpointInterval,
        maxAttempts,
        restart,
        execution == null || execution.isBlank() ? null : execution.strip());
  }
}
