package dev.scenegate.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertTextTest {
  private final AlertText text = AlertText.standard();

  @Test
  void tellsTheOnCallPersonWhatFailedWhereAndWhatToDo() throws Exception {
    ChecksumAlert alert =
        new ChecksumAlert(
            "al-9",
            "checksum_failure",
            "critical",
            "kitchen_001",
            "prod-scenes",
            "scenes/kitchen_001/assets/source_checksums.json",
            List.of(
                new ChecksumAlert.Failure(
                    "obj_1/asset.glb",
                    "SHA256_MISMATCH",
                    AlertFixtures.EXPECTED,
                    AlertFixtures.ACTUAL,
                    1234L,
                    1234L),
                new ChecksumAlert.Failure(
                    "obj_2/mesh.obj", "SIZE_MISMATCH", AlertFixtures.EXPECTED, null, 10L, 7L),
                new ChecksumAlert.Failure(
                    "obj_3/tex.png", "MISSING", AlertFixtures.EXPECTED, null, 99L, null)),
            List.of(),
            "2026-11-22T18:00:00Z",
            null);
    for (String out :
        List.of(text.plain(ReceivedAlert.of(alert)), text.slack(ReceivedAlert.of(alert)))) {
      assertTrue(out.contains("kitchen_001"), out);
      assertTrue(out.contains("checksum failure"), out);
      assertTrue(out.contains("regen3d"), out);
      assertTrue(out.contains("gs://prod-scenes/scenes/kitchen_001/assets/source_checksums.json"));
      assertTrue(out.contains("gs://prod-scenes/scenes/kitchen_001/assets/"), out);
      assertTrue(out.contains("gs://prod-scenes/scenes/kitchen_001/assets/obj_1/asset.glb"), out);
      assertTrue(out.contains("obj_2/mesh.obj"), out);
      assertTrue(out.contains(AlertFixtures.EXPECTED) && out.contains(AlertFixtures.ACTUAL), out);
      assertTrue(out.contains("1234 bytes") && out.contains("10 bytes"), out);
      assertTrue(out.contains("7 bytes"), out);
      assertTrue(out.contains("object not found"), out);
      assertTrue(out.contains("al-9"), out);
      // Seed 000 remediation, filled in because the alert carried none.
      assertTrue(out.contains("scene-generation-job") && out.contains("regen3d-job"), out);
      assertTrue(out.contains("Confirm storage integrity"), out);
      assertTrue(out.contains("episode-generation-job"), out);
    }
  }

  @Test
  void sourceImageManifestPointsAtTheSceneGenerationJob() {
    ChecksumAlert alert =
        new ChecksumAlert(
            "a",
            "checksum_failure",
            "critical",
            "s1",
            "b",
            "scenes/s1/source_checksums.json",
            List.of(),
            List.of(),
            null,
            null);
    String out = text.plain(ReceivedAlert.of(alert));
    assertTrue(out.contains("Stage: source_image"), out);
    assertTrue(out.contains("written by scene-generation-job"), out);
  }

  @Test
  void capsLongFailureLists() {
    String out = text.plain(ReceivedAlert.of(AlertFixtures.checksumFailure("a", 250)));
    assertTrue(out.contains("obj_19/asset.glb"), out);
    assertFalse(out.contains("obj_20/asset.glb"), out);
    assertTrue(out.contains("and 230 more"), out);
    assertTrue(out.contains("scenegate verify gs://prod-scenes/scenes/kitchen_001/assets/"), out);
    assertTrue(out.contains("Failing files (250)"), out);
  }

  @Test
  void hostileValuesCannotForgeLinesOrMentions() throws Exception {
    ChecksumAlert alert =
        new ChecksumAlert(
            "a",
            "checksum_failure",
            "critical",
            "s1",
            "b",
            "scenes/s1/assets/source_checksums.json",
            List.of(
                new ChecksumAlert.Failure(
                    "x\n*Remediation:* ignore <!channel> & <http://evil|click>",
                    "MISSING",
                    null,
                    null,
                    null,
                    null)),
            List.of(),
            null,
            null);
    String slack = text.slack(ReceivedAlert.of(alert));
    assertFalse(slack.contains("<!channel>"), slack);
    assertFalse(slack.contains("<http://evil"), slack);
    assertTrue(slack.contains("&lt;!channel&gt;"), slack);
    assertTrue(slack.contains("x\\u000a*Remediation:*"), slack);
    String plain = text.plain(ReceivedAlert.of(alert));
    assertEquals(1, plain.lines().filter(l -> l.startsWith("Remediation:")).count(), plain);
  }

  @Test
  void slackPayloadIsJustText() throws Exception {
    WebhookPayloads payloads = new WebhookPayloads(text);
    JsonNode slack =
        EventJson.MAPPER.readTree(
            payloads.slack(ReceivedAlert.of(AlertFixtures.checksumFailure("a", 1))));
    assertEquals(1, slack.size());
    assertTrue(slack.path("text").asText().startsWith(":rotating_light: *scenegate CRITICAL"));
  }

  @Test
  void genericPayloadIsTheAlertAsReceivedPlusText() throws Exception {
    ReceivedAlert received =
        AlertCodec.decode(
            AlertFixtures.bytes(
                "{\"alert_id\":\"a\",\"kind\":\"drift\",\"scene_id\":\"s\",\"unknown\":[1]}"));
    JsonNode body = EventJson.MAPPER.readTree(new WebhookPayloads(text).genericJson(received));
    assertEquals("a", body.path("alert_id").asText());
    assertEquals(1, body.path("unknown").path(0).asInt());
    assertTrue(body.path("text").asText().contains("checksum drift in scene s"));
  }

  @Test
  void gateFailuresDoNotGetChecksumRemediation() {
    ChecksumAlert alert =
        new ChecksumAlert(
            "a", "gate_failure", "critical", "s", "b", null, List.of(), List.of(), null, null);
    String out = text.plain(ReceivedAlert.of(alert));
    assertTrue(out.contains("quality gate failure"), out);
    assertTrue(out.contains("(none given)"), out);
    assertTrue(out.contains("gs://b/scenes/s/"), out);
  }

  @Test
  void aFreshnessAlertSaysWhichStageSinceWhenWhatItWaitsForAndWhatToDo() {
    ReceivedAlert alert = ReceivedAlert.of(AlertFixtures.freshnessWaiting());
    String plain = text.plain(alert);
    assertTrue(
        plain.startsWith("[WARNING] scenegate stage past its deadline in scene kitchen_001\n"),
        plain);
    assertTrue(plain.contains("Stage: dwm"), plain);
    assertTrue(plain.contains("Status: waiting since 2026-11-22T06:00:00Z"), plain);
    assertTrue(plain.contains("Waiting for: regen3d"), plain);
    assertTrue(
        plain.contains(
            "Marker: gs://prod-scenes/scenes/kitchen_001/dwm/.dwm_complete (generation"
                + " 1732300000000000)"),
        plain);
    assertTrue(plain.contains("Look at: gs://prod-scenes/scenes/kitchen_001/dwm/"), plain);
    assertTrue(plain.contains("scenes/kitchen_001/assets/.regen3d_complete"), plain);
    assertTrue(plain.contains("SLA_DWM"), plain);
    assertFalse(plain.contains("Failing files"), "a freshness alert lists no files: " + plain);
    assertFalse(plain.contains("Confirm storage integrity"), "no checksum steps: " + plain);

    String slack = text.slack(ReceivedAlert.of(AlertFixtures.freshnessRunning()));
    assertTrue(slack.contains("*scenegate WARNING: stage past its deadline*"), slack);
    assertTrue(slack.contains("*Status:* running since 2026-11-22T06:00:00Z"), slack);
    assertFalse(slack.contains("Waiting for"), slack);
    assertTrue(
        slack.contains("`gs://prod-scenes/scenes/kitchen_001/geniesim/.geniesim_submitted`"));
    assertTrue(slack.contains("Genie Sim job"), slack);
  }

  @Test
  void aFixityAlertListsEachFindingWithTheVerifiedAndTheCurrentGeneration() {
    ReceivedAlert alert = ReceivedAlert.of(AlertFixtures.fixity());
    for (String out : List.of(text.plain(alert), text.slack(alert))) {
      assertTrue(out.contains("fixity audit: verified files changed"), out);
      assertTrue(out.contains("CRITICAL"), out);
      assertTrue(out.contains("Findings (3):"), out);
      assertTrue(out.contains("obj_1/asset.glb") && out.contains("CHANGED"), out);
      assertTrue(out.contains("verified: generation 1732300000000111, sha256 "), out);
      assertTrue(out.contains("now:      generation 1732300000000222, sha256 "), out);
      assertTrue(out.contains(AlertFixtures.EXPECTED) && out.contains(AlertFixtures.ACTUAL), out);
      assertTrue(out.contains("object not found"), out);
      assertTrue(out.contains("not in the manifest"), out);
      assertTrue(out.contains("gs://prod-scenes/scenes/kitchen_001/assets/obj_1/asset.glb"), out);
      assertTrue(out.contains("gs://prod-scenes/scenes/kitchen_001/assets/stray.tmp"), out);
      assertTrue(out.contains("scenegate redrive kitchen_001"), out);
      assertTrue(out.contains("regen3d-job"), out);
    }
  }
}
