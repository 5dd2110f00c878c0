package dev.scenegate.backfill;

import dev.scenegate.metrics.FeatureMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Every meter of the backfill, declared here and nowhere else. */
final class BackfillMeters extends FeatureMeters {
  static final String OBJECTS = "scenegate.backfill.objects";
  static final String DRIFT = "scenegate.backfill.drift";
  static final String BYTES = "scenegate.backfill.bytes";
  static final String HASH_DURATION = "scenegate.backfill.hash.duration";
  static final String MANIFESTS_CREATED = "scenegate.backfill.manifests.created";
  static final String RUN_DURATION = "scenegate.backfill.duration";

  static BackfillMeters boundTo(MeterRegistry registry) {
    return FeatureMeters.bind(new BackfillMeters(), registry);
  }

  void objectFinished(ArtifactType type, String outcome, boolean drift) {
    Counter.builder(OBJECTS)
        .description("Objects looked at by the backfill, by outcome")
        .tag("type", type.wireName())
        .tag("outcome", outcome)
        .register(registry())
        .increment();
    if (drift) {
      Counter.builder(DRIFT)
          .description("Recorded hashes found to disagree with the content")
          .tag("type", type.wireName())
          .register(registry())
          .increment();
    }
  }

  void objectHashed(ArtifactType type, long bytes, long nanos) {
    Counter.builder(BYTES)
        .description("Bytes hashed by the backfill")
        .baseUnit("bytes")
        .tag("type", type.wireName())
        .register(registry())
        .increment(bytes);
    Timer.builder(HASH_DURATION)
        .description("Time to hash one object")
        .tag("type", type.wireName())
        .register(registry())
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  void manifestCreated(ArtifactType type) {
    Counter.builder(MANIFESTS_CREATED)
        .description("Manifests the backfill created for folders that had none")
        .tag("type", type.wireName())
        .register(registry())
        .increment();
  }

  void runEnded(boolean complete, long millis) {
    Timer.builder(RUN_DURATION)
        .description("Time of one backfill run")
        .tag("complete", Boolean.toString(complete))
        .register(registry())
        .record(millis, TimeUnit.MILLISECONDS);
  }
}
