package dev.scenegate.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * A stage transition as published on {@code stage-events} (DESIGN: Events), bound by the shared
 * mapper in DESIGN's field order. {@code eventId} is stable, so a re-publish after a crash is
 * recognisable downstream.
 */
public record StageEvent(
    String schemaVersion,
    String eventId,
    String sceneId,
    String stage,
    String status,
    String previousStatus,
    String bucket,
    Trigger trigger,
    String occurredAt,
    ObjectNode details) {

  public static final String SCHEMA_VERSION = "1.0";

  /** The marker generation that caused it; the generation is a string, as GCS writes it. */
  public record Trigger(String object, String generation) {}

  public StageEvent {
    schemaVersion = schemaVersion == null ? SCHEMA_VERSION : schemaVersion;
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(sceneId, "sceneId");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(status, "status");
    trigger = trigger == null ? new Trigger(null, null) : trigger;
    if (details == null) {
      details = EventJson.MAPPER.createObjectNode();
    }
  }

  public StageEvent(
      String eventId,
      String sceneId,
      String stage,
      String status,
      String previousStatus,
      String bucket,
      String triggerObject,
      String triggerGeneration,
      String occurredAt,
      ObjectNode details) {
    this(
        SCHEMA_VERSION,
        eventId,
        sceneId,
        stage,
        status,
        previousStatus,
        bucket,
        new Trigger(triggerObject, triggerGeneration),
        occurredAt,
        details);
  }

  public ObjectNode toJson() {
    return EventJson.MAPPER.valueToTree(this);
  }

  /** Ordering key scene_id; attributes scene_id, stage, status, schema_version. */
  public Map<String, String> attributes() {
    return Map.of(
        "scene_id", sceneId, "stage", stage, "status", status, "schema_version", schemaVersion);
  }

  /** The Pub/Sub message. */
  public OutboundMessage toMessage() {
    return OutboundMessage.of(
        Topic.STAGE_EVENTS,
        toJson().toString().getBytes(StandardCharsets.UTF_8),
        attributes(),
        sceneId);
  }
}
