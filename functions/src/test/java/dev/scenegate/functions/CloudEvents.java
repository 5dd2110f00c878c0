package dev.scenegate.functions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.pipeline.Trigger;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Builds CloudEvents as Eventarc delivers them, for tests and benchmarks. */
public final class CloudEvents {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CloudEvents() {}

  /** The JSON API object resource of a finalized object (int64 fields as strings). */
  public static ObjectNode objectResource(Trigger trigger, long size) {
    ObjectNode data = JSON.createObjectNode();
    data.put("kind", "storage#object");
    data.put("id", trigger.bucket() + "/" + trigger.object() + "/" + trigger.generation());
    data.put("bucket", trigger.bucket());
    data.put("name", trigger.object());
    data.put("generation", Long.toString(trigger.generation()));
    data.put("metageneration", "1");
    data.put("size", Long.toString(size));
    data.put("contentType", "application/octet-stream");
    data.put("storageClass", "STANDARD");
    data.put("timeCreated", Instant.now().toString());
    data.put("updated", Instant.now().toString());
    return data;
  }

  /**
   * The headers of a binary-mode CloudEvent (attributes as {@code ce-*} headers, the data as the
   * JSON body), as Eventarc POSTs it; {@code subject} may be null.
   */
  public static Map<String, String> binaryHeaders(
      String id, String type, String source, String subject, String time) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("ce-specversion", "1.0");
    headers.put("ce-id", id);
    headers.put("ce-type", type);
    headers.put("ce-source", source);
    if (subject != null) {
      headers.put("ce-subject", subject);
    }
    headers.put("ce-time", time);
    return headers;
  }

  public static String source(Trigger trigger) {
    return "//storage.googleapis.com/projects/_/buckets/" + trigger.bucket();
  }

  /** A structured-mode {@code google.cloud.storage.object.v1.finalized} CloudEvent. */
  public static String structuredFinalized(Trigger trigger) {
    ObjectNode event = JSON.createObjectNode();
    event.put("specversion", "1.0");
    event.put("type", StorageEvents.FINALIZED);
    event.put("source", source(trigger));
    event.put("subject", "objects/" + trigger.object());
    event.put("id", UUID.randomUUID().toString());
    event.put("time", Instant.now().toString());
    event.put("datacontenttype", "application/json");
    event.set("data", objectResource(trigger, 0));
    return event.toString();
  }

  /**
   * A structured-mode {@code messagePublished} CloudEvent carrying a GCS notification: {@code
   * payload} is the notification's data (the object resource JSON), {@code attributes} its
   * attributes.
   */
  public static String pubSubWrapped(byte[] payload, Map<String, String> attributes) {
    ObjectNode event = JSON.createObjectNode();
    event.put("specversion", "1.0");
    event.put("type", StorageEvents.PUBSUB_PUBLISHED);
    event.put("source", "//pubsub.googleapis.com/projects/test-project/topics/gcs-notifications");
    event.put("id", UUID.randomUUID().toString());
    event.put("time", Instant.now().toString());
    event.put("datacontenttype", "application/json");
    ObjectNode data = event.putObject("data");
    data.put("subscription", "projects/test-project/subscriptions/eventarc-marker");
    ObjectNode message = data.putObject("message");
    message.put("@type", "type.googleapis.com/google.pubsub.v1.PubsubMessage");
    message.put("messageId", UUID.randomUUID().toString());
    message.put("publishTime", Instant.now().toString());
    ObjectNode attrs = message.putObject("attributes");
    attributes.forEach(attrs::put);
    message.put("data", Base64.getEncoder().encodeToString(payload));
    return event.toString();
  }
}
