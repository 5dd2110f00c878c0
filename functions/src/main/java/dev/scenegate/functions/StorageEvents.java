package dev.scenegate.functions;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.scenegate.pipeline.Trigger;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes what the platform delivers into a {@link Trigger}: a {@code
 * google.cloud.storage.object.v1.finalized} CloudEvent (Eventarc; structured or binary mode, the
 * framework hands over the data either way) or a {@code
 * google.cloud.pubsub.topic.v1.messagePublished} CloudEvent wrapping a GCS Pub/Sub notification
 * ({@code eventType=OBJECT_FINALIZE}, payload {@code JSON_API_V1} or {@code NONE}). Parsing is
 * lenient (unknown fields ignored), validation explicit: int64 fields arrive as JSON strings, and
 * anything missing or malformed is {@link Undecodable}, which the function acknowledges rather than
 * retrying forever.
 *
 * <p>JSON is read with Jackson's streaming parser into plain maps: a cold instance decodes its
 * first event without initialising Jackson's data binding (hundreds of classes, most of the cost of
 * a dismissed event on a fresh JVM).
 */
public final class StorageEvents {
  public static final String FINALIZED = "google.cloud.storage.object.v1.finalized";
  public static final String PUBSUB_PUBLISHED = "google.cloud.pubsub.topic.v1.messagePublished";

  /** Bounds the data we are willing to parse; a notification is a few KiB. */
  public static final int MAX_DATA_BYTES = 1 << 20;

  private static final JsonFactory JSON = new JsonFactory();

  private StorageEvents() {}

  /** What an event turned out to be. */
  public sealed interface Decoded permits Finalized, Ignored, Undecodable {}

  /** An object generation was finalized. */
  public record Finalized(Trigger trigger) implements Decoded {}

  /** A well-formed event that is not an object finalize (other type, delete, metadata update). */
  public record Ignored(String reason) implements Decoded {}

  /** Poison: cannot be understood; acknowledged with a log line, never retried. */
  public record Undecodable(String reason) implements Decoded {}

  public static Decoded decode(String type, byte[] data) {
    if (type == null) {
      return new Undecodable("event has no type");
    }
    if (!type.equals(FINALIZED) && !type.equals(PUBSUB_PUBLISHED)) {
      return new Ignored("event type " + clip(type) + " is not an object finalize");
    }
    if (data == null || data.length == 0) {
      return new Undecodable(type + " event has no data");
    }
    if (data.length > MAX_DATA_BYTES) {
      return new Undecodable(type + " event data is " + data.length + " bytes");
    }
    Object root;
    try {
      root = readJson(data);
    } catch (IOException e) {
      return new Undecodable(type + " event data is not JSON");
    }
    if (!(root instanceof Map<?, ?> object)) {
      return new Undecodable(type + " event data is not a JSON object");
    }
    return type.equals(FINALIZED) ? objectResource(object) : pubSubNotification(object);
  }

  /** The JSON API object resource: bucket, name, generation. */
  static Decoded objectResource(Map<?, ?> object) {
    String bucket = text(object, "bucket");
    String name = text(object, "name");
    if (bucket == null || bucket.isEmpty()) {
      return new Undecodable("object resource has no bucket");
    }
    if (name == null || name.isEmpty()) {
      return new Undecodable("object resource has no name");
    }
    Long generation = int64(object.get("generation"));
    if (generation == null || generation <= 0) {
      return new Undecodable("object resource " + clip(name) + " has no valid generation");
    }
    return new Finalized(Trigger.of(bucket, name, generation));
  }

  private static Decoded pubSubNotification(Map<?, ?> root) {
    if (!(root.get("message") instanceof Map<?, ?> message)) {
      return new Undecodable("messagePublished event has no message");
    }
    Map<?, ?> attributes =
        message.get("attributes") instanceof Map<?, ?> fields ? fields : Map.of();
    String eventType = text(attributes, "eventType");
    if (eventType == null) {
      return new Ignored("Pub/Sub message is not a Cloud Storage notification (no eventType)");
    }
    if (!eventType.equals("OBJECT_FINALIZE")) {
      return new Ignored("Cloud Storage notification " + clip(eventType) + " is not a finalize");
    }
    String format = text(attributes, "payloadFormat");
    if (format == null || format.equals("JSON_API_V1")) {
      String encoded = text(message, "data");
      if (encoded == null || encoded.isEmpty()) {
        if (format == null) {
          return fromAttributes(attributes);
        }
        return new Undecodable("JSON_API_V1 notification has no data");
      }
      byte[] payload;
      try {
        payload = Base64.getDecoder().decode(encoded.strip());
      } catch (IllegalArgumentException e) {
        return new Undecodable("notification data is not base64");
      }
      Object object;
      try {
        object = readJson(payload);
      } catch (IOException e) {
        return new Undecodable("notification data is not JSON");
      }
      if (!(object instanceof Map<?, ?> resource)) {
        return new Undecodable("notification data is not a JSON object");
      }
      return objectResource(resource);
    }
    if (format.equals("NONE")) {
      return fromAttributes(attributes);
    }
    return new Undecodable("unknown notification payloadFormat " + clip(format));
  }

  /** A notification without payload names the object in its attributes. */
  private static Decoded fromAttributes(Map<?, ?> attributes) {
    String bucket = text(attributes, "bucketId");
    String name = text(attributes, "objectId");
    Long generation = int64(attributes.get("objectGeneration"));
    if (bucket == null || bucket.isEmpty() || name == null || name.isEmpty()) {
      return new Undecodable("notification names no bucketId/objectId");
    }
    if (generation == null || generation <= 0) {
      return new Undecodable("notification for " + clip(name) + " has no valid objectGeneration");
    }
    return new Finalized(Trigger.of(bucket, name, generation));
  }

  private static String text(Map<?, ?> object, String field) {
    return object.get(field) instanceof String text ? text : null;
  }

  /** int64 as GCS sends it: a JSON string of digits (or, leniently, an integral number). */
  private static Long int64(Object value) {
    if (value instanceof Long number) {
      return number;
    }
    if (value instanceof String string) {
      String text = string.strip();
      // ASCII only: Character.isDigit and Long.parseLong also take other scripts' digits.
      if (text.isEmpty()
          || text.length() > 19
          || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /**
   * One JSON value as plain Java: objects as maps (a repeated name keeps its last value, as
   * Jackson's tree does), arrays as lists, strings, integers as {@link Long} (or {@link BigInteger}
   * beyond it), other numbers as {@link Double}, booleans, and null. Empty input is null; what
   * follows the first value is not read.
   */
  static Object readJson(byte[] data) throws IOException {
    try (JsonParser parser = JSON.createParser(data)) {
      JsonToken first = parser.nextToken();
      return first == null ? null : value(parser, first);
    }
  }

  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    if (token == null) {
      throw new IOException("unexpected end of JSON");
    }
    return switch (token) {
      case START_OBJECT -> {
        Map<String, Object> fields = new HashMap<>();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
          fields.put(name, value(parser, parser.nextToken()));
        }
        yield fields;
      }
      case START_ARRAY -> {
        List<Object> items = new ArrayList<>();
        for (JsonToken next = parser.nextToken();
            next != JsonToken.END_ARRAY;
            next = parser.nextToken()) {
          items.add(value(parser, next));
        }
        yield items;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT ->
          parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              ? parser.getBigIntegerValue()
              : (Object) parser.getLongValue();
      case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected JSON token " + token);
    };
  }

  private static String clip(String text) {
    String oneLine = text.replaceAll("\\p{Cntrl}", "?");
    return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 120) + "...";
  }
}
