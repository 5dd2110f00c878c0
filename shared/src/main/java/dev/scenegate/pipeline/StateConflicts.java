package dev.scenegate.pipeline;

import dev.scenegate.storage.TransientStorageException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a state writer does after losing a compare-and-set race: counts it, gives up (transiently,
 * so the platform retries) after the configured budget, and otherwise backs off with jitter so
 * racing writers spread out instead of colliding again.
 */
final class StateConflicts {
  private final int budget;
  private final PipelineMetrics metrics;

  StateConflicts(int budget, PipelineMetrics metrics) {
    this.budget = budget;
    this.metrics = metrics;
  }

  /** After the {@code lost}-th race lost so far; returns the new count. */
  int lost(String sceneId, int lost) throws IOException {
    metrics.conflict();
    int next = lost + 1;
    if (next >= budget) {
      throw new TransientStorageException(
          "scene "
              + sceneId
              + ": state write lost "
              + next
              + " compare-and-set races in a row; giving up for now");
    }
    long ceiling = Math.min(1000, 5L << Math.min(next, 8));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, ceiling + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while backing off");
    }
    return next;
  }
}
