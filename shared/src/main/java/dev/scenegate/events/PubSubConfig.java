package dev.scenegate.events;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where events go, read once from the environment: {@code GOOGLE_CLOUD_PROJECT} (or {@code
 * PUBSUB_PROJECT_ID}, {@code GCLOUD_PROJECT}), {@code PUBSUB_EMULATOR_HOST} ({@code host:port}),
 * and the topic names {@code STAGE_EVENTS_TOPIC} / {@code CHECKSUM_ALERTS_TOPIC} (defaults {@code
 * stage-events} / {@code checksum-alerts}; a full {@code projects/P/topics/T} name is accepted).
 * {@code publishTimeout} bounds one publish, retries included.
 */
public record PubSubConfig(
    String projectId, String emulatorHost, Map<Topic, String> topicNames, Duration publishTimeout) {

  /** Project id used against an emulator when none is configured. */
  public static final String EMULATOR_PROJECT = "test-project";

  public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(60);

  public PubSubConfig {
    Map<Topic, String> names = new EnumMap<>(Topic.class);
    for (Topic topic : Topic.values()) {
      String name = topicNames == null ? null : topicNames.get(topic);
      names.put(topic, name == null || name.isBlank() ? topic.defaultName() : name.strip());
    }
    topicNames = Map.copyOf(names);
    publishTimeout = publishTimeout == null ? DEFAULT_PUBLISH_TIMEOUT : publishTimeout;
    if (projectId == null && emulatorHost != null) {
      projectId = EMULATOR_PROJECT;
    }
  }

  public static PubSubConfig fromEnvironment(Map<String, String> env) {
    Map<Topic, String> names = new EnumMap<>(Topic.class);
    names.put(Topic.STAGE_EVENTS, env.get("STAGE_EVENTS_TOPIC"));
    names.put(Topic.CHECKSUM_ALERTS, env.get("CHECKSUM_ALERTS_TOPIC"));
    String project =
        firstNonBlank(
            env.get("GOOGLE_CLOUD_PROJECT"),
            env.get("PUBSUB_PROJECT_ID"),
            env.get("GCLOUD_PROJECT"));
    return new PubSubConfig(
        project, firstNonBlank(env.get("PUBSUB_EMULATOR_HOST")), names, DEFAULT_PUBLISH_TIMEOUT);
  }

  /** Real Pub/Sub in {@code projectId}, default topic names. */
  public static PubSubConfig of(String projectId) {
    return new PubSubConfig(
        Objects.requireNonNull(projectId, "projectId"), null, Map.of(), DEFAULT_PUBLISH_TIMEOUT);
  }

  /** The emulator at {@code host} ({@code host:port}), default topic names. */
  public static PubSubConfig emulator(String host, String projectId) {
    return new PubSubConfig(projectId, host, Map.of(), DEFAULT_PUBLISH_TIMEOUT);
  }

  public PubSubConfig withTopicName(Topic topic, String name) {
    Map<Topic, String> names = new EnumMap<>(topicNames);
    names.put(topic, name);
    return new PubSubConfig(projectId, emulatorHost, names, publishTimeout);
  }

  public PubSubConfig withPublishTimeout(Duration timeout) {
    return new PubSubConfig(projectId, emulatorHost, topicNames, timeout);
  }

  public boolean usesEmulator() {
    return emulatorHost != null;
  }

  /** {@code projects/P/topics/T} for {@code topic}. */
  public String topicPath(Topic topic) {
    String name = topicNames.get(topic);
    if (name.startsWith("projects/")) {
      return name;
    }
    if (projectId == null) {
      throw new IllegalStateException(
          "no Google Cloud project: set GOOGLE_CLOUD_PROJECT to publish to " + name);
    }
    return "projects/" + projectId + "/topics/" + name;
  }

  private static String firstNonBlank(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value.strip();
      }
    }
    return null;
  }
}
