package dev.scenegate.pipeline;

import java.util.Objects;
import java.util.UUID;

/**
 * One finalized object generation: what a storage event names, and the cause of what it decides.
 * {@link #key()} is that cause: for a delivery (and for {@code reconcile}, which re-drives a lost
 * marker under the marker's own key, so a late delivery is a duplicate) DESIGN's idempotency key
 * {@code bucket/object#generation}; for an operator's {@code redrive} (non-null {@code redrive}) a
 * deliberate new cause {@code redrive:<random id>}, which re-evaluates the marker's stage.
 */
public record Trigger(String bucket, String object, long generation, String redrive) {

  /** The prefix of a redrive's cause. */
  public static final String REDRIVE_CAUSE = "redrive:";

  public Trigger {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(object, "object");
    if (generation <= 0) {
      throw new IllegalArgumentException("generation must be positive, got " + generation);
    }
    if (redrive != null && redrive.isBlank()) {
      throw new IllegalArgumentException("a redrive needs an id");
    }
  }

  /** A delivery (or its re-drive by {@code reconcile}) of one object generation. */
  public Trigger(String bucket, String object, long generation) {
    this(bucket, object, generation, null);
  }

  public static Trigger of(String bucket, String object, long generation) {
    return new Trigger(bucket, object, generation);
  }

  /** An operator's redrive of the stage this marker generation decides, under a new cause. */
  public static Trigger redrive(String bucket, String object, long generation) {
    return new Trigger(bucket, object, generation, UUID.randomUUID().toString());
  }

  /** Whether this is an operator's redrive: its stage is evaluated again, whatever it recorded. */
  public boolean redriven() {
    return redrive != null;
  }

  /** The cause: {@code bucket/object#generation}, or {@code redrive:<id>} for a redrive. */
  public String key() {
    return redrive != null ? REDRIVE_CAUSE + redrive : bucket + "/" + object + "#" + generation;
  }
}
