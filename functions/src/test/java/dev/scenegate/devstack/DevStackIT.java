package dev.scenegate.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.devtools.DevTools;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.Topic;
import dev.scenegate.local.DemoScene;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.testing.Emulators;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev stack end to end, as README shows it: objects uploaded to fake-gcs-server over its JSON
 * API; fake-gcs-server notifies the Pub/Sub emulator; the bridge delivers CloudEvents to the
 * Functions Framework invoker serving MarkerFunction from target/scenegate.jar; the stage events
 * and the alert are pulled back from the emulator.
 */
class DevStackIT {
  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ByteArrayOutputStream OUT = new ByteArrayOutputStream();
  private static final List<String> FAILED_DELIVERIES = new CopyOnWriteArrayList<>();
  private static DevStack stack;

  @TempDir Path scenes;

  @BeforeAll
  static void start() throws IOException {
    DevTools tools = DevTools.fromEnvironment(System.getenv());
    List<String> missing = new ArrayList<>();
    for (DevTools.Located located : List.of(tools.fakeGcsServer(), tools.pubSubEmulator())) {
      if (!located.isPresent()) {
        missing.add(located.missingReason());
      }
    }
    if (!missing.isEmpty()) {
      if (Emulators.required()) {
        fail("CI=true and a dev stack part is missing: " + missing);
      }
      Assumptions.abort("dev stack part missing, test skipped: " + missing);
    }
    DevStack.Config config =
        new DevStack.Config(
            DevStack.Config.DEFAULT_PROJECT,
            "scenes-it",
            DevStack.Config.DEFAULT_NOTIFICATION_TOPIC,
            tools.fakeGcsServer().path(),
            tools.pubSubEmulator().path(),
            Path.of(
                System.getProperty(
                    "scenegate.invoker.jar", "target/function-invoker/java-function-invoker.jar")),
            Path.of("target/scenegate.jar"),
            tools.java(),
            Path.of("target/dev-stack-it"),
            Map.of("SCENEGATE_LOG_LEVEL", "INFO"),
            false);
    stack =
        DevStack.start(
            config,
            new PrintStream(OUT, true, StandardCharsets.UTF_8),
            new NotificationBridge.Listener() {
              @Override
              public void failed(String object, String reason, int attempt, int retryIn) {
                FAILED_DELIVERIES.add(object + ": " + reason);
              }
            });
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void uploadedSceneArrivesAsStageEventsAndAChecksumAlert() throws Exception {
    LocalObjectStore folder = new LocalObjectStore(scenes);
    DemoScene scene = new DemoScene(folder, "kitchen_it");
    scene.sourceImage().writer().write();
    scene.writeAssets();
    scene.corruptAsset();
    // What an upstream job uploads, data before markers (the scene-root manifest is a marker).
    List<String> order =
        List.of(
            "config.json",
            "source_image.png",
            "assets/layout.json",
            "assets/" + DemoScene.CORRUPTED_ASSET,
            "assets/obj_1/texture.png",
            "assets/obj_2/mesh.glb",
            "assets/source_checksums.json",
            "source_checksums.json",
            "assets/.regen3d_complete");
    Files.write(folder.file(scene.object("assets/.regen3d_complete")), new byte[0]);
    for (String relative : order) {
      upload(scene.object(relative), Files.readAllBytes(folder.file(scene.object(relative))));
    }

    List<JsonNode> events =
        await(
            Topic.STAGE_EVENTS,
            // The bridge delivers concurrently: source_image's event may come after e2e's.
            seen ->
                seen.stream().anyMatch(e -> is(e, "regen3d", "failed"))
                    && seen.stream().anyMatch(e -> is(e, "e2e", "failed"))
                    && seen.stream().anyMatch(e -> is(e, "source_image", "passed")));
    JsonNode regen3d = events.stream().filter(e -> is(e, "regen3d", "failed")).findFirst().get();
    assertEquals("scenes-it", regen3d.path("bucket").asText());
    assertEquals(
        scene.object("assets/.regen3d_complete"), regen3d.path("trigger").path("object").asText());

    List<JsonNode> alerts = await(Topic.CHECKSUM_ALERTS, seen -> !seen.isEmpty());
    JsonNode alert = alerts.get(0);
    assertEquals("checksum_failure", alert.path("kind").asText());
    assertEquals("kitchen_it", alert.path("scene_id").asText());
    assertEquals(DemoScene.CORRUPTED_ASSET, alert.path("failures").path(0).path("path").asText());
    assertEquals("SHA256_MISMATCH", alert.path("failures").path(0).path("kind").asText());

    assertEquals(200, get(scene.object("assets/.failed")), "the .failed marker in the bucket");
    // Every finalize notification (markers and plain objects) went through the bridge, and
    // scenegate's own writes (.failed, state) came back as notifications and were dismissed.
    assertTrue(
        stack.bridge().delivered() >= order.size(), "delivered " + stack.bridge().delivered());
    assertTrue(FAILED_DELIVERIES.isEmpty(), FAILED_DELIVERIES.toString());
  }

  private static boolean is(JsonNode event, String stage, String status) {
    return event.path("stage").asText().equals(stage)
        && event.path("status").asText().equals(status);
  }

  private interface Done {
    boolean test(List<JsonNode> seen);
  }

  /** Pulls (and acknowledges) from the topic's subscription until {@code done} or the deadline. */
  private static List<JsonNode> await(Topic topic, Done done) throws Exception {
    String subscription = DevStack.subscriptionFor(topic);
    List<JsonNode> seen = new ArrayList<>();
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!done.test(seen)) {
      if (System.nanoTime() > end) {
        fail(
            "no matching "
                + topic.defaultName()
                + " within "
                + DEADLINE
                + "; saw "
                + seen
                + "; bridge failures "
                + FAILED_DELIVERIES
                + "; logs "
                + stack.logs());
      }
      List<PubSubRest.Received> batch = stack.pubSubRest().pull(subscription, 50);
      List<String> acks = new ArrayList<>();
      for (PubSubRest.Received r : batch) {
        seen.add(EventJson.MAPPER.readTree(r.data()));
        acks.add(r.ackId());
      }
      stack.pubSubRest().acknowledge(subscription, acks);
      if (batch.isEmpty()) {
        Thread.sleep(100); // poll interval between empty pulls
      }
    }
    return seen;
  }

  private static void upload(String name, byte[] data) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    stack.storageUrl()
                        + "/upload/storage/v1/b/"
                        + stack.config().bucket()
                        + "/o?uploadType=media&name="
                        + URLEncoder.encode(name, StandardCharsets.UTF_8)))
            .POST(HttpRequest.BodyPublishers.ofByteArray(data))
            .header("content-type", "application/octet-stream")
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
  }

  private static int get(String name) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    stack.storageUrl()
                        + "/storage/v1/b/"
                        + stack.config().bucket()
                        + "/o/"
                        + URLEncoder.encode(name, StandardCharsets.UTF_8)))
            .GET()
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
