package dev.scenegate.pipeline;

import java.util.Objects;

/**
 * One finalized object generation: what a storage event names. {@link #key()} is the idempotency
 * key of DESIGN's delivery rules, {@code bucket/object#generation}.
 */
public record Trigger(String bucket, String object, long generation) {

  public Trigger {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(object, "object");
    if (generation <= 0) {
      throw new IllegalArgumentException("generation must be positive, got " + generation);
    }
  }

  public static Trigger of(String bucket, String object, long generation) {
    return new Trigger(bucket, object, generation);
  }

  public String key() {
    return bucket + "/" + object + "#" + generation;
  }
}
