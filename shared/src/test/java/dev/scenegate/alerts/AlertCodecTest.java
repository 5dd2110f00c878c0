package dev.scenegate.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.events.ChecksumAlert;
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
}
