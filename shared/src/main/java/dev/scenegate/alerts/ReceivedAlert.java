package dev.scenegate.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.ChecksumAlert;
import java.util.Objects;

/**
 * An alert as it arrived: the typed view scenegate reads, and the original JSON object, which the
 * generic webhook forwards unchanged so fields this version does not know still reach receivers.
 */
public record ReceivedAlert(ChecksumAlert alert, ObjectNode json) {
  public ReceivedAlert {
    Objects.requireNonNull(alert, "alert");
    Objects.requireNonNull(json, "json");
  }

  public static ReceivedAlert of(ChecksumAlert alert) {
    return new ReceivedAlert(alert, alert.toJson());
  }

  public String alertId() {
    return alert.alertId();
  }

  /** The stage the alert names, if its producer added one (the schema does not require it). */
  public String stage() {
    var stage = json.get("stage");
    return stage != null && stage.isTextual() ? stage.asText() : null;
  }
}
