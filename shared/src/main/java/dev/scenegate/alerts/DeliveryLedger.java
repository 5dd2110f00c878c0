package dev.scenegate.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.storage.CompareAndSet;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.PreconditionFailedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Remembers, durably and across instances, which alert went to which webhook, so a redelivered
 * alert is not sent twice and a retry after partial success only re-sends to the webhooks that
 * failed. One small JSON object per (alert, webhook) in the state bucket: {@code
 * <prefix>alerts/delivered/<alert key>/<webhook key>.json}, with {@code state}:
 *
 * <ul>
 *   <li>{@code sending}: claimed by one invocation until {@code lease_until}; another invocation
 *       seeing it backs off (retryable) instead of sending a duplicate concurrently;
 *   <li>{@code delivered} / {@code rejected}: final; later deliveries skip this webhook;
 *   <li>{@code released}: the claimant gave up transiently; the next delivery takes over.
 * </ul>
 *
 * <p>Every transition is a conditional write (create-only, or if-generation-match), so two
 * invocations racing for one claim cannot both win. An expired lease (an instance died while
 * sending) is taken over the same way.
 */
final class DeliveryLedger {
  /**
   * Under the state prefix (the only place the notifier may write). The leading underscore keeps it
   * apart from scene state documents: a scene id never starts with one.
   */
  public static final String LEDGER_FOLDER = "_alerts/delivered/";

  /** Alert ids used as folder names as they are; anything else is hashed. */
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  private static final int MAX_RECORD_BYTES = 64 * 1024;

  private final CompareAndSet records;
  private final String prefix;
  private final Clock clock;

  /**
   * @param prefix the state prefix (e.g. {@code _scenegate/}); records go under {@code prefix +
   *     "alerts/delivered/"}
   */
  public DeliveryLedger(ObjectStore store, String prefix, Clock clock) {
    this.records = CompareAndSet.json(store);
    this.prefix = prefix;
    this.clock = clock;
  }

  /** What {@link #claim} found. */
  public enum ClaimState {
    /** This invocation holds the claim and should send. */
    CLAIMED,
    DELIVERED,
    REJECTED,
    /** Another invocation holds an unexpired claim. */
    IN_FLIGHT
  }

  /** A claim result: the state, and for {@code CLAIMED} the generation to finish it with. */
  public record Claim(ClaimState state, String object, long generation, Instant leaseUntil) {}

  /** The record's object name for one alert and webhook. */
  public String objectName(String alertId, Webhook webhook) {
    return prefix + LEDGER_FOLDER + alertKey(alertId) + "/" + webhook.key() + ".json";
  }

  /**
   * Tries to take the (alert, webhook) delivery for {@code lease}. Storage faults propagate as
   * {@link IOException} (the caller retries the whole message).
   */
  public Claim claim(String alertId, Webhook webhook, Duration lease) throws IOException {
    String name = objectName(alertId, webhook);
    CompareAndSet.Updated<Claim> updated;
    try {
      updated =
          records.update(
              name,
              MAX_RECORD_BYTES,
              current -> {
                Instant now = clock.instant();
                Instant until = now.plus(lease);
                CompareAndSet.Change<Claim> take =
                    CompareAndSet.Change.write(
                        bytes(record(alertId, webhook, "sending", until)),
                        new Claim(ClaimState.CLAIMED, name, 0, until));
                if (current.isEmpty()) {
                  return take;
                }
                long generation = current.get().generation();
                JsonNode record = parse(current.get().bytes());
                switch (record.path("state").asText("")) {
                  case "delivered":
                    return CompareAndSet.Change.keep(
                        new Claim(ClaimState.DELIVERED, name, generation, null));
                  case "rejected":
                    return CompareAndSet.Change.keep(
                        new Claim(ClaimState.REJECTED, name, generation, null));
                  case "sending":
                    Instant leaseUntil = leaseUntil(record);
                    if (leaseUntil != null && leaseUntil.isAfter(now)) {
                      return CompareAndSet.Change.keep(
                          new Claim(ClaimState.IN_FLIGHT, name, generation, leaseUntil));
                    }
                    return take; // an expired lease: its claimant died while sending
                  default:
                    return take; // released, or a record this version cannot read
                }
              });
    } catch (PreconditionFailedException e) {
      // Constant contention on one record: treat as in flight elsewhere (retryable).
      return new Claim(ClaimState.IN_FLIGHT, name, 0, null);
    }
    Claim claim = updated.result();
    return updated.written() == null
        ? claim
        : new Claim(claim.state(), name, updated.written().generation(), claim.leaseUntil());
  }

  /** Finishes a claim as delivered. */
  public void delivered(Claim claim, String alertId, Webhook webhook, DeliveryResult result)
      throws IOException {
    finish(claim, alertId, webhook, "delivered", result);
  }

  /** Finishes a claim as rejected: later deliveries of this alert skip the webhook. */
  public void rejected(Claim claim, String alertId, Webhook webhook, DeliveryResult result)
      throws IOException {
    finish(claim, alertId, webhook, "rejected", result);
  }

  /**
   * Gives the claim back after a transient failure, so the redelivery need not wait out the lease.
   */
  public void release(Claim claim, String alertId, Webhook webhook, String error)
      throws IOException {
    ObjectNode record = record(alertId, webhook, "released", null);
    record.put("last_error", error);
    writeFinal(claim, record);
  }

  private void finish(
      Claim claim, String alertId, Webhook webhook, String state, DeliveryResult result)
      throws IOException {
    ObjectNode record = record(alertId, webhook, state, null);
    record.put("http_status", result.status());
    record.put("attempts", result.attempts());
    writeFinal(claim, record);
  }

  private void writeFinal(Claim claim, ObjectNode record) throws IOException {
    try {
      records.write(claim.object(), bytes(record), claim.generation());
    } catch (PreconditionFailedException e) {
      // Our lease expired and another invocation took over; it will record its own outcome.
    }
  }

  private ObjectNode record(String alertId, Webhook webhook, String state, Instant leaseUntil) {
    ObjectNode record = EventJson.MAPPER.createObjectNode();
    record.put("alert_id", alertId);
    record.put("webhook", webhook.key());
    record.put("state", state);
    record.put("updated_at", clock.instant().toString());
    if (leaseUntil != null) {
      record.put("lease_until", leaseUntil.toString());
    }
    return record;
  }

  private static byte[] bytes(ObjectNode record) {
    return record.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode parse(byte[] data) {
    try {
      JsonNode node = EventJson.MAPPER.readTree(data);
      return node == null ? EventJson.MAPPER.createObjectNode() : node;
    } catch (IOException e) {
      // A torn or foreign record: treated as released, so it gets taken over and rewritten.
      return EventJson.MAPPER.createObjectNode();
    }
  }

  private static Instant leaseUntil(JsonNode record) {
    try {
      return Instant.parse(record.path("lease_until").asText(""));
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /**
   * The alert's folder name: the id itself when it is a plain token, else {@code _h_<sha256>}
   * (cannot collide with a plain token, which starts with a letter or digit).
   */
  static String alertKey(String alertId) {
    if (SAFE_ID.matcher(alertId).matches()) {
      return alertId;
    }
    return "_h_" + dev.scenegate.verify.Sha256.hex(alertId.getBytes(StandardCharsets.UTF_8));
  }
}
