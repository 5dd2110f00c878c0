package dev.scenegate.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.events.ChecksumAlert;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AlertCodecTest {

  @Test
  void readsWhatTheMarkerFunctionPublishes() throws Exception {
    ChecksumAlert published = AlertFixtures.checksumFailure("alert-1", 2);
    ReceivedAlert received = AlertCodec.decode(AlertFixtures.bytes(published));
    assertEquals(published, received.alert());
    assertEquals(published.toJson().toString(), received.json().toString());
  }

  @Test
  void keepsUnknownFieldsAndIgnoresThemForDelivery() throws Exception {
    ReceivedAlert received =
        AlertCodec.decode(
            AlertFixtures.bytes(
                """
                {"schema_version":"1.3","alert_id":"x1","kind":"drift","scene_id":"s1",
                 "stage":"regen3d","future":{"nested":[1,2]},
                 "failures":[{"path":"a.bin","kind":"SIZE_MISMATCH","expected_size":3,
                              "actual_size":4,"extra":"kept"}]}
                """));
    assertEquals("regen3d", received.stage());
    assertEquals("critical", received.alert().severity());
    assertEquals(3L, received.alert().failures().get(0).expectedSize());
    assertNull(received.alert().failures().get(0).actualSha256());
    assertEquals("kept", received.json().path("failures").path(0).path("extra").asText());
    assertTrue(received.alert().extra().has("future"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "[1,2]",
        "\"text\"",
        "{\"kind\":\"drift\",\"scene_id\":\"s\"}",
        "{\"alert_id\":\"\",\"kind\":\"drift\",\"scene_id\":\"s\"}",
        "{\"alert_id\":7,\"kind\":\"drift\",\"scene_id\":\"s\"}",
        "{\"alert_id\":\"a\",\"scene_id\":\"s\"}",
        "{\"alert_id\":\"a\",\"kind\":\"meltdown\",\"scene_id\":\"s\"}",
        "{\"alert_id\":\"a\",\"kind\":\"drift\"}",
        "{\"alert_id\":\"a\",\"kind\":\"drift\",\"scene_id\":\"../../etc\"}",
        "{\"alert_id\":\"a\",\"kind\":\"drift\",\"scene_id\":\"s\",\"schema_version\":\"2.0\"}",
        "{\"alert_id\":\"a\",\"kind\":\"drift\",\"scene_id\":\"s\",\"failures\":{}}",
        "{\"alert_id\":\"a\",\"kind\":\"drift\",\"scene_id\":\"s\",\"failures\":[1]}",
        "{\"alert_id\":\"a\",\"kind\":\"drift\",\"scene_id\":\"s\",\"failures\":[{\"kind\":\"X\"}]}",
        "{\"alert_id\":\"a\",\"kind\":\"drift\",\"scene_id\":\"s\",\"remediation\":[1]}",
        "{\"alert_id\":\"a\",\"kind\":\"drift\",\"scene_id\":\"s\",\"bucket\":{}}",
        "{\"alert_id\":\"a\\nb\",\"kind\":\"drift\",\"scene_id\":\"s\"}",
      })
  void rejectsWhatCannotBeAnAlert(String json) {
    InvalidAlertException e =
        assertThrows(
            InvalidAlertException.class, () -> AlertCodec.decode(AlertFixtures.bytes(json)));
    assertTrue(!e.getMessage().isBlank());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void rejectsAnOverlongAlertId() {
    String json =
        "{\"alert_id\":\"" + "x".repeat(300) + "\",\"kind\":\"drift\",\"scene_id\":\"s\"}";
    assertThrows(InvalidAlertException.class, () -> AlertCodec.decode(AlertFixtures.bytes(json)));
  }

  @Test
  void nullBytesAreInvalid() {
    assertThrows(InvalidAlertException.class, () -> AlertCodec.decode(null));
  }

  @Test
  void readsBothNewKindsAsPublished() throws Exception {
    for (ChecksumAlert published :
        List.of(
            AlertFixtures.freshnessWaiting(),
            AlertFixtures.freshnessRunning(),
            AlertFixtures.fixity())) {
      ReceivedAlert received = AlertCodec.decode(AlertFixtures.bytes(published));
      assertEquals(published, received.alert(), published.kind());
      assertEquals(published.toJson().toString(), received.json().toString());
    }
  }

  @Test
  void freshnessFieldsAreReadAsWritten() throws Exception {
    ReceivedAlert waiting =
        AlertCodec.decode(AlertFixtures.bytes(AlertFixtures.freshnessWaiting()));
    assertEquals("freshness", waiting.alert().kind());
    assertEquals("warning", waiting.alert().severity());
    assertEquals("dwm", waiting.stage());
    assertEquals("waiting", waiting.status());
    assertEquals("regen3d", waiting.waitingFor());
    assertEquals(AlertFixtures.SINCE.toString(), waiting.since());
    assertEquals("scenes/kitchen_001/dwm/.dwm_complete", waiting.markerObject());
    assertEquals("1732300000000000", waiting.markerGeneration());
    assertTrue(waiting.alert().failures().isEmpty());
    ReceivedAlert running =
        AlertCodec.decode(AlertFixtures.bytes(AlertFixtures.freshnessRunning()));
    assertNull(running.waitingFor(), "waiting_for only when waiting");
    assertTrue(!running.json().has("waiting_for"));
  }

  @Test
  void fixityFailuresKeepTheirGenerations() throws Exception {
    ReceivedAlert received = AlertCodec.decode(AlertFixtures.bytes(AlertFixtures.fixity()));
    List<ChecksumAlert.Failure> failures = received.alert().failures();
    assertEquals(3, failures.size());
    ChecksumAlert.Failure changed = failures.get(0);
    assertEquals("CHANGED", changed.kind());
    assertEquals(1732300000000111L, changed.expectedGeneration());
    assertEquals(1732300000000222L, changed.actualGeneration());
    assertEquals(
        "1732300000000111",
        received.json().path("failures").path(0).path("expected_generation").asText());
    assertTrue(received.json().path("failures").path(0).path("expected_generation").isTextual());
    assertNull(failures.get(1).actualGeneration());
    assertEquals("UNTRACKED", failures.get(2).kind());
  }

  @Test
  void generationsMayComeAsIntegers() throws Exception {
    ReceivedAlert received =
        AlertCodec.decode(
            AlertFixtures.bytes(
                """
                {"alert_id":"f1","kind":"fixity","scene_id":"s1",
                 "failures":[{"path":"a.bin","kind":"CHANGED","expected_generation":12,
                              "actual_generation":"13"}]}
                """));
    assertEquals(12L, received.alert().failures().get(0).expectedGeneration());
    assertEquals(13L, received.alert().failures().get(0).actualGeneration());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"alert_id\":\"f\",\"kind\":\"freshness\",\"scene_id\":\"s1\",\"status\":\"running\"}",
        "{\"alert_id\":\"f\",\"kind\":\"freshness\",\"scene_id\":\"s1\",\"stage\":\"dwm\"}",
        "{\"alert_id\":\"f\",\"kind\":\"freshness\",\"scene_id\":\"s1\",\"stage\":7,\"status\":\"running\"}",
        "{\"alert_id\":\"f\",\"kind\":\"freshness\",\"scene_id\":\"s1\",\"stage\":\"dwm\",\"status\":\"waiting\",\"marker\":\"x\"}",
        "{\"alert_id\":\"f\",\"kind\":\"freshness\",\"scene_id\":\"s1\",\"stage\":\"dwm\",\"status\":\"waiting\",\"marker\":{\"object\":\"o\",\"generation\":\"12x\"}}",
        "{\"alert_id\":\"f\",\"kind\":\"freshness\",\"scene_id\":\"s1\",\"stage\":\"dwm\",\"status\":\"waiting\",\"waiting_for\":[\"regen3d\"]}",
        "{\"alert_id\":\"f\",\"kind\":\"staleness\",\"scene_id\":\"s1\"}"
      })
  void aFreshnessAlertWithoutItsStageOrStatusOrWithMistypedFieldsIsPoison(String json) {
    assertThrows(InvalidAlertException.class, () -> AlertCodec.decode(AlertFixtures.bytes(json)));
  }
}
