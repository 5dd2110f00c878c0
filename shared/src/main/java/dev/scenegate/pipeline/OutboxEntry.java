package dev.scenegate.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.events.Topic;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A side effect recorded in the state before it is carried out, and removed once it is confirmed: a
 * message to publish ({@link Kind#PUBLISH}), a {@code .failed} marker to write ({@link
 * Kind#WRITE_FAILED}) or to clear after remediation ({@link Kind#CLEAR_FAILED}). A crash in between
 * leaves it in the state; the next delivery for the scene carries it out under the same id. {@code
 * data} is the exact JSON published or written, so an entry recorded by an older version goes out
 * as it was recorded. {@code claimedBy}/{@code claimedUntil}: the delivery carrying it out and its
 * lease (see {@link Outbox}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OutboxEntry(
    String id,
    Kind kind,
    Topic topic,
    ObjectNode data,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> attributes,
    String orderingKey,
    String object,
    String stage,
    String claimedBy,
    String claimedUntil) {

  public enum Kind {
    @JsonProperty("publish")
    PUBLISH,
    @JsonProperty("write_failed")
    WRITE_FAILED,
    @JsonProperty("clear_failed")
    CLEAR_FAILED
  }

  public OutboxEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    // Insertion order kept: the state document is rewritten as it was read.
    attributes =
        attributes == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  public OutboxEntry(
      String id,
      Kind kind,
      Topic topic,
      ObjectNode data,
      Map<String, String> attributes,
      String orderingKey,
      String object,
      String stage) {
    this(id, kind, topic, data, attributes, orderingKey, object, stage, null, null);
  }

  /** This entry claimed by {@code delivery} until {@code until} (null, null: released). */
  OutboxEntry claimed(String delivery, String until) {
    return new OutboxEntry(
        id, kind, topic, data, attributes, orderingKey, object, stage, delivery, until);
  }

  /** Whether {@code delivery} holds it. */
  boolean heldBy(String delivery) {
    return delivery.equals(claimedBy);
  }

  /**
   * Whether a delivery may take it at {@code now}: nobody holds it (entries of the released
   * version, entries a failed delivery let go), or its holder's lease ran out (a crashed delivery).
   */
  boolean claimable(java.time.Instant now) {
    if (claimedBy == null || claimedUntil == null) {
      return true;
    }
    try {
      return !java.time.Instant.parse(claimedUntil).isAfter(now);
    } catch (java.time.format.DateTimeParseException e) {
      return true;
    }
  }

  static OutboxEntry publish(
      String id, Topic topic, ObjectNode data, Map<String, String> attributes, String orderingKey) {
    return new OutboxEntry(id, Kind.PUBLISH, topic, data, attributes, orderingKey, null, null);
  }

  static OutboxEntry writeFailed(String id, String object, String stage, ObjectNode data) {
    return new OutboxEntry(id, Kind.WRITE_FAILED, null, data, Map.of(), null, object, stage);
  }

  static OutboxEntry clearFailed(String id, String object, String stage) {
    return new OutboxEntry(id, Kind.CLEAR_FAILED, null, null, Map.of(), null, object, stage);
  }

  public OutboundMessage message() {
    return OutboundMessage.of(
        topic, data.toString().getBytes(StandardCharsets.UTF_8), attributes, orderingKey);
  }
}
