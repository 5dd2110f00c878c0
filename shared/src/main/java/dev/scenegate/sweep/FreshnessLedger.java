package dev.scenegate.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.pipeline.MarkerRef;
import dev.scenegate.storage.CompareAndSet;
import dev.scenegate.storage.ObjectContent;
import dev.scenegate.storage.ObjectStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which {@code freshness} alerts were raised: one small document per scene, {@code
 * <prefix><scene_id>.json}, holding per stage the marker generation alerted for. Written only by
 * compare-and-set, so of any number of sweeps (the scheduled job, local mode's interval, an
 * operator's run) exactly one claims a stale stage; the claim is recorded before the alert is
 * published and marked raised after.
 *
 * <p>Kept apart from the scene's state document on purpose: the state is rewritten by every marker
 * delivery, and a sweep writing there would race live deliveries and need the state's schema to
 * grow; this document is touched only for stages already stale (O(stale stages) writes per sweep)
 * and only by the sweep.
 *
 * <p>A sweep that dies between claim and publish leaves the claim with the alert as built; once its
 * lease runs out the next sweep publishes that alert again, under the same {@code alert_id} (the
 * notifier delivers an id once per webhook).
 */
final class FreshnessLedger {
  public static final String DEFAULT_PREFIX = "_scenegate/sweep/freshness/";
  static final int MAX_BYTES = 256 * 1024;

  private final ObjectStore store;
  private final String prefix;
  private final CompareAndSet documents;
  private final Duration lease;

  FreshnessLedger(ObjectStore store, String prefix, Duration lease) {
    this.store = store;
    this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
    this.documents = CompareAndSet.json(store).withMetadata(Map.of("scenegate", "sweep"));
    this.lease = lease;
  }

  String objectName(String sceneId) {
    return prefix + sceneId + ".json";
  }

  /** The ledger document of one scene. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Document(String schemaVersion, String sceneId, Map<String, Entry> stages) {
    Document {
      schemaVersion = schemaVersion == null ? "1.0" : schemaVersion;
      stages =
          java.util.Collections.unmodifiableMap(new TreeMap<>(stages == null ? Map.of() : stages));
    }
  }

  /**
   * One stage's alert: for which marker generation, its id; {@code raisedAt} once published; while
   * not, who claimed it until when and the alert as built (published again as it is).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Entry(
      MarkerRef marker,
      String status,
      String alertId,
      String raisedAt,
      String claimedBy,
      String claimedUntil,
      ObjectNode alert) {}

  enum ClaimState {
    /** This run holds the stage: publish {@link Claim#alert()}. */
    CLAIMED,
    /** Raised before for this marker generation: never again. */
    ALREADY_RAISED,
    /** Another run holds it and its lease is alive: it publishes. */
    HELD_ELSEWHERE
  }

  /** What a claim decided; {@code alert} is the JSON to publish (the stored one when retaken). */
  record Claim(ClaimState state, ObjectNode alert) {}

  /**
   * Claims the alert for {@code stage} at {@code marker} for {@code run}; {@code alert} is recorded
   * with the claim unless an earlier, unpublished claim of the same generation left its own.
   */
  Claim claim(
      String sceneId,
      String stage,
      MarkerRef marker,
      String alertId,
      ObjectNode alert,
      String run,
      Instant now)
      throws IOException {
    return documents
        .update(
            objectName(sceneId),
            MAX_BYTES,
            current -> {
              Document doc = read(sceneId, current);
              Entry entry = doc.stages().get(stage);
              ObjectNode toPublish = alert;
              if (entry != null && marker.equals(entry.marker())) {
                if (entry.raisedAt() != null) {
                  return CompareAndSet.Change.keep(new Claim(ClaimState.ALREADY_RAISED, null));
                }
                if (!run.equals(entry.claimedBy()) && leaseAlive(entry.claimedUntil(), now)) {
                  return CompareAndSet.Change.keep(new Claim(ClaimState.HELD_ELSEWHERE, null));
                }
                if (entry.alert() != null) {
                  toPublish = entry.alert();
                }
              }
              Entry claimed =
                  new Entry(
                      marker,
                      alert.path("status").asText(null),
                      alertId,
                      null,
                      run,
                      now.plus(lease).toString(),
                      toPublish);
              return CompareAndSet.Change.write(
                  bytes(with(doc, sceneId, stage, claimed)),
                  new Claim(ClaimState.CLAIMED, toPublish));
            })
        .result();
  }

  /** The alert of {@code stage} at {@code marker} was published: never again for it. */
  void raised(String sceneId, String stage, MarkerRef marker, String alertId, Instant now)
      throws IOException {
    documents.update(
        objectName(sceneId),
        MAX_BYTES,
        current -> {
          Document doc = read(sceneId, current);
          Entry entry = doc.stages().get(stage);
          if (entry != null && !marker.equals(entry.marker())) {
            // A newer generation was claimed meanwhile (the stage moved on): that one is its own.
            return CompareAndSet.Change.keep(null);
          }
          if (entry != null && entry.raisedAt() != null) {
            return CompareAndSet.Change.keep(null);
          }
          Entry done =
              new Entry(
                  marker,
                  entry == null ? null : entry.status(),
                  alertId,
                  now.toString(),
                  null,
                  null,
                  null);
          return CompareAndSet.Change.write(bytes(with(doc, sceneId, stage, done)), null);
        });
  }

  /** Publishing failed: let the next sweep take the claim at once (the alert stays recorded). */
  void release(String sceneId, String stage, MarkerRef marker, String run) throws IOException {
    documents.update(
        objectName(sceneId),
        MAX_BYTES,
        current -> {
          Document doc = read(sceneId, current);
          Entry entry = doc.stages().get(stage);
          if (entry == null
              || !marker.equals(entry.marker())
              || entry.raisedAt() != null
              || !run.equals(entry.claimedBy())) {
            return CompareAndSet.Change.keep(null);
          }
          Entry released =
              new Entry(
                  entry.marker(), entry.status(), entry.alertId(), null, null, null, entry.alert());
          return CompareAndSet.Change.write(bytes(with(doc, sceneId, stage, released)), null);
        });
  }

  /** The scene's document as it is now; empty when none was written. */
  Optional<Document> find(String sceneId) throws IOException {
    Optional<ObjectContent> current = store.readCurrent(objectName(sceneId), MAX_BYTES);
    return current.isEmpty() ? Optional.empty() : Optional.of(read(sceneId, current));
  }

  private Document read(String sceneId, Optional<ObjectContent> current) throws IOException {
    if (current.isEmpty()) {
      return new Document(null, sceneId, Map.of());
    }
    try {
      Document doc = EventJson.MAPPER.readValue(current.get().bytes(), Document.class);
      if (doc.schemaVersion().startsWith("1.") && sceneId.equals(doc.sceneId())) {
        return doc;
      }
    } catch (IOException | RuntimeException e) {
      // fall through: unreadable
    }
    throw new IOException(
        store.describe(objectName(sceneId))
            + " is not a freshness ledger of scene "
            + sceneId
            + "; delete it to re-arm the scene's freshness alerts");
  }

  private static Document with(Document doc, String sceneId, String stage, Entry entry) {
    Map<String, Entry> stages = new TreeMap<>(doc.stages());
    stages.put(stage, entry);
    return new Document(doc.schemaVersion(), sceneId, stages);
  }

  private static boolean leaseAlive(String until, Instant now) {
    if (until == null) {
      return false;
    }
    try {
      return Instant.parse(until).isAfter(now);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static byte[] bytes(Document doc) {
    try {
      return EventJson.MAPPER.writeValueAsBytes(doc);
    } catch (IOException e) {
      throw new IllegalStateException("a ledger document always serialises", e);
    }
  }
}
