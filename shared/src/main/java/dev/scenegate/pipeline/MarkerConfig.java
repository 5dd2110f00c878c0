package dev.scenegate.pipeline;

import dev.scenegate.events.Topic;
import dev.scenegate.quality.QualityThresholds;
import dev.scenegate.verify.VerifyBudget;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration of the marker function, read once from the environment.
 *
 * <ul>
 *   <li>{@code DATA_BUCKET}: when set, events of any other bucket are dismissed
 *   <li>{@code STATE_BUCKET}: where scene states live (default: the bucket of the event)
 *   <li>{@code STATE_PREFIX}: their folder (default {@value SceneStateStore#DEFAULT_PREFIX})
 *   <li>{@code GOOGLE_CLOUD_PROJECT}: the project of the Pub/Sub topics
 *   <li>{@code STAGE_EVENTS_TOPIC}, {@code CHECKSUM_ALERTS_TOPIC}: topic names (defaults {@code
 *       stage-events}, {@code checksum-alerts})
 *   <li>{@code VERIFY_THREADS}: files hashed in parallel (default: available cores)
 *   <li>{@code STATE_CONFLICT_RETRIES}: compare-and-set attempts before giving up (default 25)
 *   <li>{@code VERIFY_BUDGET}: time one delivery may spend verifying before it records what it
 *       hashed and lets the platform redeliver (default: {@code FUNCTION_TIMEOUT_SEC} less a
 *       minute, else 480 s; see {@link VerifyBudget#fromEnv}); null: no limit
 *   <li>{@code MIN_QUALITY_SCORE}, {@code MIN_PASS_RATE}, {@code MIN_AVERAGE_SCORE}: thresholds
 * </ul>
 */
public record MarkerConfig(
    String dataBucket,
    String stateBucket,
    String statePrefix,
    String project,
    String stageEventsTopic,
    String checksumAlertsTopic,
    int verifyThreads,
    int conflictRetries,
    QualityThresholds thresholds,
    Duration verifyBudget) {

  public static final int DEFAULT_CONFLICT_RETRIES = 25;

  public MarkerConfig {
    if (verifyThreads < 1 || verifyThreads > 256) {
      throw new IllegalArgumentException("VERIFY_THREADS must be between 1 and 256");
    }
    if (conflictRetries < 1) {
      throw new IllegalArgumentException("STATE_CONFLICT_RETRIES must be positive");
    }
    statePrefix = statePrefix == null ? SceneStateStore.DEFAULT_PREFIX : statePrefix;
  }

  public static MarkerConfig defaults() {
    return fromEnv(Map.of());
  }

  /** Reads the variables above; a malformed value is a configuration error. */
  public static MarkerConfig fromEnv(Map<String, String> env) {
    return new MarkerConfig(
        blankToNull(env.get("DATA_BUCKET")),
        blankToNull(env.get("STATE_BUCKET")),
        orDefault(env.get("STATE_PREFIX"), SceneStateStore.DEFAULT_PREFIX),
        blankToNull(env.get("GOOGLE_CLOUD_PROJECT")),
        orDefault(env.get("STAGE_EVENTS_TOPIC"), Topic.STAGE_EVENTS.defaultName()),
        orDefault(env.get("CHECKSUM_ALERTS_TOPIC"), Topic.CHECKSUM_ALERTS.defaultName()),
        integer(env, "VERIFY_THREADS", Runtime.getRuntime().availableProcessors()),
        integer(env, "STATE_CONFLICT_RETRIES", DEFAULT_CONFLICT_RETRIES),
        QualityThresholds.fromEnv(env),
        VerifyBudget.fromEnv(env));
  }

  /** The real topic name of a logical topic. */
  public String topicName(Topic topic) {
    return topic == Topic.STAGE_EVENTS ? stageEventsTopic : checksumAlertsTopic;
  }

  public MarkerConfig withStateBucket(String bucket) {
    return new MarkerConfig(
        dataBucket,
        bucket,
        statePrefix,
        project,
        stageEventsTopic,
        checksumAlertsTopic,
        verifyThreads,
        conflictRetries,
        thresholds,
        verifyBudget);
  }

  /** The same with another verification budget (null: no limit, as in local mode by default). */
  public MarkerConfig withVerifyBudget(Duration budget) {
    return new MarkerConfig(
        dataBucket,
        stateBucket,
        statePrefix,
        project,
        stageEventsTopic,
        checksumAlertsTopic,
        verifyThreads,
        conflictRetries,
        thresholds,
        budget);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static String orDefault(String value, String fallback) {
    String v = blankToNull(value);
    return v == null ? fallback : v;
  }

  private static int integer(Map<String, String> env, String name, int fallback) {
    String value = blankToNull(env.get(name));
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
    }
  }
}
