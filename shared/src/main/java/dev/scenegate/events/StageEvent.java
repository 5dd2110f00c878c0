package dev.scenegate.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * A stage transition as published on {@code stage-events} (DESIGN: Events). {@code eventId} is
 * stable: the same trigger, stage and status always give the same id, so a re-publish after a crash
 * is recognisable downstream.
 */
public record StageEvent(
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

  public static final String SCHEMA_VERSION = "1.0";

  public StageEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(sceneId, "sceneId");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(status, "status");
    if (details == null) {
      details = EventJson.MAPPER.createObjectNode();
    }
  }

  public ObjectNode toJson() {
    ObjectNode root = EventJson.MAPPER.createObjectNode();
    root.put("schema_version", SCHEMA_VERSION);
    root.put("event_id", eventId);
    root.put("scene_id", sceneId);
    root.put("stage", stage);
    root.put("status", status);
    root.put("previous_status", previousStatus);
    root.put("bucket", bucket);
    ObjectNode trigger = root.putObject("trigger");
    trigger.put("object", triggerObject);
    trigger.put("generation", triggerGeneration);
    root.put("occurred_at", occurredAt);
    root.set("details", details);
    return root;
  }

  /**
   * The Pub/Sub message: ordering key scene_id; attributes scene_id, stage, status, schema_version.
   */
  public OutboundMessage toMessage() {
    return OutboundMessage.of(
        Topic.STAGE_EVENTS,
        toJson().toString().getBytes(StandardCharsets.UTF_8),
        Map.of(
            "scene_id",
            sceneId,
            "stage",
            stage,
            "status",
            status,
            "schema_version",
            SCHEMA_VERSION),
        sceneId);
  }
}
