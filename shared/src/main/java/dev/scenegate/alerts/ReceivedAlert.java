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
    return text("stage");
  }

  /** {@code freshness}: the stage's status ({@code running} or {@code waiting}). */
  public String status() {
    return text("status");
  }

  /** {@code freshness}: since when the stage is in that status (ISO-8601). */
  public String since() {
    return text("since");
  }

  /** {@code freshness}: the prerequisite stage a waiting stage waits for. */
  public String waitingFor() {
    return text("waiting_for");
  }

  /** {@code freshness}: the marker object the stage is waiting or running on. */
  public String markerObject() {
    return json.path("marker").path("object").isTextual()
        ? json.path("marker").path("object").asText()
        : null;
  }

  /** {@code freshness}: the marker's generation, as written (a string of digits). */
  public String markerGeneration() {
    var generation = json.path("marker").path("generation");
    return generation.isTextual() || generation.isIntegralNumber() ? generation.asText() : null;
  }

  private String text(String field) {
    var value = json.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }
}
