package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.audit.AuditFinding;
import dev.scenegate.audit.FixityAlert;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.pipeline.MarkerRef;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.scene.Stage;
import dev.scenegate.sweep.FreshnessAlert;
import dev.scenegate.testing.Emulators;
import dev.scenegate.testing.PubSubEmulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code scenegate alerts tail} against the Pub/Sub emulator. */
class AlertsTailIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.pubSubOnly();

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int tail(PubSubEmulator pubSub, String... options) {
    List<String> argv = new ArrayList<>(List.of("alerts", "tail"));
    argv.addAll(List.of(options));
    Console console =
        new Console(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("PUBSUB_EMULATOR_HOST", pubSub.host()),
            false);
    return Main.standard().run(argv, console);
  }

  private static ChecksumAlert alert(String id, String scene) {
    return new ChecksumAlert(
        id,
        "checksum_failure",
        "critical",
        scene,
        "prod-scenes",
        "scenes/" + scene + "/source_checksums.json",
        List.of(
            new ChecksumAlert.Failure(
                "source_image.png", "SIZE_MISMATCH", "c".repeat(64), null, 2048L, 1024L)),
        ChecksumAlert.REMEDIATION,
        "2026-11-22T18:00:00Z",
        null);
  }

  private static void publish(PubSubEmulator pubSub, String topic, ChecksumAlert alert) {
    OutboundMessage message = alert.toMessage();
    pubSub.publish(topic, message.data(), message.attributes(), null);
  }

  @Test
  void printsAlertsReadablyAndAcknowledgesThem(PubSubEmulator pubSub) {
    String topic = pubSub.createTopic("alerts-tail");
    String subscription = pubSub.createSubscription(topic, false);
    publish(pubSub, topic, alert("tail-1", "kitchen_001"));
    pubSub.publish(topic, "garbage".getBytes(StandardCharsets.UTF_8), Map.of(), null);
    publish(pubSub, topic, alert("tail-2", "garage_7"));

    int code = tail(pubSub, "--subscription", subscription, "--max", "3", "--wait", "30");

    String stdout = out.toString(StandardCharsets.UTF_8);
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCodes.OK, code, stderr);
    for (String expected :
        List.of(
            "[CRITICAL] scenegate checksum failure in scene kitchen_001",
            "scene garage_7",
            "Stage: source_image",
            "gs://prod-scenes/scenes/kitchen_001/source_image.png",
            "expected: sha256 " + "c".repeat(64) + ", 2048 bytes",
            "actual:   not hashed, 1024 bytes",
            "written by scene-generation-job",
            "Confirm storage integrity")) {
      assertTrue(stdout.contains(expected), expected + " missing from:\n" + stdout);
    }
    assertEquals(1, stderr.lines().count(), stderr);
    assertTrue(stderr.contains("is not a valid alert"), stderr);
    // Everything printed was acknowledged: nothing is left on the subscription.
    assertEquals(List.of(), pubSub.pull(subscription, 10));
  }

  @Test
  void jsonLinesAndMaxLeaveTheRestUnacknowledged(PubSubEmulator pubSub) throws Exception {
    String topic = pubSub.createTopic("alerts-tail-json");
    String subscription = pubSub.createSubscription(topic, false);
    publish(pubSub, topic, alert("json-1", "s1"));
    publish(pubSub, topic, alert("json-2", "s2"));

    int code =
        tail(
            pubSub,
            "--subscription",
            pubSub.subscriptionPath(subscription),
            "--json",
            "--max",
            "1",
            "--wait",
            "30");

    assertEquals(ExitCodes.OK, code, err.toString(StandardCharsets.UTF_8));
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(1, lines.size(), lines.toString());
    JsonNode printed = EventJson.MAPPER.readTree(lines.get(0));
    String printedId = printed.path("alert_id").asText();
    assertTrue(printedId.equals("json-1") || printedId.equals("json-2"), printedId);
    assertEquals("checksum_failure", printed.path("kind").asText());
    // The other one is still there for the next reader.
    var rest = pubSub.awaitMessages(subscription, 1);
    assertEquals(1, rest.size());
    assertTrue(!rest.get(0).text().contains("\"" + printedId + "\""), rest.get(0).text());
  }

  @Test
  void stopsWhenIdle(PubSubEmulator pubSub) {
    String topic = pubSub.createTopic("alerts-tail-idle");
    String subscription = pubSub.createSubscription(topic, false);
    assertEquals(ExitCodes.OK, tail(pubSub, "--subscription", subscription, "--wait", "1"));
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void unknownSubscriptionIsBadInputWithOneLine(PubSubEmulator pubSub) {
    int code = tail(pubSub, "--subscription", "no-such-subscription", "--wait", "5");
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCodes.BAD_INPUT, code, stderr);
    assertEquals(1, stderr.lines().count(), stderr);
    assertTrue(stderr.contains("not found"), stderr);
  }

  @Test
  void printsFreshnessAndFixityAlerts(PubSubEmulator pubSub) throws Exception {
    String topic = pubSub.createTopic("alerts-tail-new-kinds");
    String subscription = pubSub.createSubscription(topic, false);
    ChecksumAlert freshness =
        FreshnessAlert.of(
            new FreshnessAlert.StaleStage(
                "attic_9",
                "prod-scenes",
                Stage.DWM,
                StageStatus.WAITING,
                "2026-11-21T06:00:00Z",
                MarkerRef.of("scenes/attic_9/dwm/.dwm_complete", 1732300000000000L),
                Stage.REGEN3D,
                StageStatus.FAILED,
                Duration.ofHours(24)),
            Instant.parse("2026-11-22T07:00:00Z"));
    ChecksumAlert fixity =
        FixityAlert.of(
            "attic_9",
            "prod-scenes",
            List.of(
                new AuditFinding(
                    "attic_9",
                    "scenes/attic_9/assets/source_checksums.json",
                    "obj_1/asset.glb",
                    AuditFinding.Kind.CHANGED,
                    1732300000000111L,
                    1732300000000222L,
                    "a".repeat(64),
                    null)),
            Instant.parse("2026-11-22T08:00:00Z"));
    publish(pubSub, topic, freshness);
    publish(pubSub, topic, fixity);

    int code = tail(pubSub, "--subscription", subscription, "--max", "2", "--wait", "30");

    String stdout = out.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCodes.OK, code, err.toString(StandardCharsets.UTF_8));
    assertEquals("", err.toString(StandardCharsets.UTF_8), "neither kind is poison");
    for (String expected :
        List.of(
            "[WARNING] scenegate stage past its deadline in scene attic_9",
            "Stage: dwm",
            "Status: waiting since 2026-11-21T06:00:00Z (past its deadline)",
            "Waiting for: regen3d",
            "Marker: gs://prod-scenes/scenes/attic_9/dwm/.dwm_complete (generation"
                + " 1732300000000000)",
            "waits for regen3d (now failed): fix that failure first",
            "[CRITICAL] scenegate fixity audit: verified files changed in scene attic_9",
            "Findings (1):",
            "obj_1/asset.glb — CHANGED",
            "verified: generation 1732300000000111, sha256 " + "a".repeat(64),
            "now:      generation 1732300000000222, not hashed",
            "object:   gs://prod-scenes/scenes/attic_9/assets/obj_1/asset.glb")) {
      assertTrue(stdout.contains(expected), expected + " missing from:\n" + stdout);
    }
    assertEquals(List.of(), pubSub.pull(subscription, 10));
  }
}
