package dev.scenegate.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.pipeline.Trigger;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StorageEventsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The fixtures of ../shared/events, as Google Cloud delivers them. */
  static JsonNode fixture(String name) throws IOException {
    try (InputStream in = StorageEventsTest.class.getResourceAsStream("/events/" + name)) {
      return JSON.readTree(in);
    }
  }

  private static byte[] bytes(JsonNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A messagePublished CloudEvent data wrapping a GCS notification of {@code object}. */
  static ObjectNode notification(JsonNode object, String eventType, String format) {
    ObjectNode data = JSON.createObjectNode();
    data.put("subscription", "projects/p/subscriptions/gcs");
    ObjectNode message = data.putObject("message");
    ObjectNode attributes = message.putObject("attributes");
    attributes.put("eventType", eventType);
    attributes.put("payloadFormat", format);
    attributes.put("bucketId", object.path("bucket").asText());
    attributes.put("objectId", object.path("name").asText());
    attributes.put("objectGeneration", object.path("generation").asText());
    if (format.equals("JSON_API_V1")) {
      message.put("data", Base64.getEncoder().encodeToString(bytes(object)));
    }
    message.put("messageId", "1");
    return data;
  }

  @Test
  void storageFinalizedCloudEventFixtureDecodes() throws Exception {
    JsonNode event = fixture("storage-cloudevent-input.json");
    StorageEvents.Decoded decoded =
        StorageEvents.decode(event.path("type").asText(), bytes(event.get("data")));
    Trigger trigger = assertInstanceOf(StorageEvents.Finalized.class, decoded).trigger();
    assertEquals(Trigger.of("some-bucket", "folder/Test.cs", 1587627537231057L), trigger);
  }

  @Test
  void pubSubWrappedGcsNotificationDecodes() throws Exception {
    JsonNode object = fixture("storage-cloudevent-input.json").get("data");
    for (String format : new String[] {"JSON_API_V1", "NONE"}) {
      StorageEvents.Decoded decoded =
          StorageEvents.decode(
              StorageEvents.PUBSUB_PUBLISHED,
              bytes(notification(object, "OBJECT_FINALIZE", format)));
      assertEquals(
          Trigger.of("some-bucket", "folder/Test.cs", 1587627537231057L),
          assertInstanceOf(StorageEvents.Finalized.class, decoded).trigger(),
          format);
    }
  }

  @Test
  void aPubSubMessageThatIsNotAGcsNotificationIsIgnored() throws Exception {
    JsonNode event = fixture("pubsub_text-cloudevent-input.json");
    assertInstanceOf(
        StorageEvents.Ignored.class,
        StorageEvents.decode(event.path("type").asText(), bytes(event.get("data"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"OBJECT_DELETE", "OBJECT_METADATA_UPDATE", "OBJECT_ARCHIVE"})
  void nonFinalizeNotificationsAreIgnored(String eventType) throws Exception {
    JsonNode object = fixture("storage-cloudevent-input.json").get("data");
    assertInstanceOf(
        StorageEvents.Ignored.class,
        StorageEvents.decode(
            StorageEvents.PUBSUB_PUBLISHED, bytes(notification(object, eventType, "JSON_API_V1"))));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "google.cloud.storage.object.v1.deleted",
        "google.cloud.storage.object.v1.metadataUpdated",
        "com.example.other"
      })
  void otherEventTypesAreIgnored(String type) {
    assertInstanceOf(
        StorageEvents.Ignored.class,
        StorageEvents.decode(type, "{}".getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "[1,2]",
        "{\"name\":\"scenes/a/usd/.usd_complete\",\"generation\":\"1\"}",
        "{\"bucket\":\"b\",\"generation\":\"1\"}",
        "{\"bucket\":\"b\",\"name\":\"scenes/a/usd/.usd_complete\"}",
        "{\"bucket\":\"b\",\"name\":\"scenes/a/usd/.usd_complete\",\"generation\":\"abc\"}",
        "{\"bucket\":\"b\",\"name\":\"scenes/a/usd/.usd_complete\",\"generation\":\"-5\"}",
        "{\"bucket\":\"b\",\"name\":\"scenes/a/usd/.usd_complete\",\"generation\":\"0\"}",
        "{\"bucket\":\"b\",\"name\":\"x\",\"generation\":\"99999999999999999999\"}",
        "{\"bucket\":\"b\",\"name\":\"x\",\"generation\":1.5}",
        "{\"bucket\":\"b\",\"name\":\"x\",\"generation\":\"\u0661\u0662\u0663\"}",
        "{\"bucket\":\"b\",\"name\":\"x\",\"generation\":\"\uff11\uff12\"}",
        "{\"bucket\":\"b\",\"name\":\"x\",\"generation\":\"+12\"}",
        "{\"bucket\":7,\"name\":\"x\",\"generation\":\"1\"}"
      })
  void malformedFinalizedDataIsUndecodable(String data) {
    assertInstanceOf(
        StorageEvents.Undecodable.class,
        StorageEvents.decode(StorageEvents.FINALIZED, data.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void numericGenerationIsAcceptedLeniently() {
    StorageEvents.Decoded decoded =
        StorageEvents.decode(
            StorageEvents.FINALIZED,
            "{\"bucket\":\"b\",\"name\":\"n\",\"generation\":42,\"extra\":{\"x\":1}}"
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(
        Trigger.of("b", "n", 42),
        assertInstanceOf(StorageEvents.Finalized.class, decoded).trigger());
  }

  @Test
  void malformedNotificationsAreUndecodable() throws Exception {
    JsonNode object = fixture("storage-cloudevent-input.json").get("data");
    ObjectNode badBase64 = notification(object, "OBJECT_FINALIZE", "JSON_API_V1");
    ((ObjectNode) badBase64.get("message")).put("data", "%%%not-base64%%%");
    ObjectNode notJson = notification(object, "OBJECT_FINALIZE", "JSON_API_V1");
    ((ObjectNode) notJson.get("message"))
        .put("data", Base64.getEncoder().encodeToString("nope".getBytes(StandardCharsets.UTF_8)));
    ObjectNode unknownFormat = notification(object, "OBJECT_FINALIZE", "XML");
    ObjectNode noMessage = JSON.createObjectNode().put("subscription", "s");
    for (ObjectNode data : new ObjectNode[] {badBase64, notJson, unknownFormat, noMessage}) {
      assertInstanceOf(
          StorageEvents.Undecodable.class,
          StorageEvents.decode(StorageEvents.PUBSUB_PUBLISHED, bytes(data)),
          data.toString());
    }
    assertInstanceOf(StorageEvents.Undecodable.class, StorageEvents.decode(null, new byte[0]));
  }
}
