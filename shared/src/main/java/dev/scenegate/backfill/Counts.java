package dev.scenegate.backfill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.EventJson;

/**
 * Object counts of a backfill, overall or for one artifact type. {@code updated} counts objects
 * whose metadata was written (drift included); {@code wouldUpdate} and {@code bytesToHash} are what
 * a dry run would have done; {@code knownDrift} counts objects whose standing disagreement with a
 * manifest was already reported by an earlier run (shown, not re-alerted).
 */
public record Counts(
    long scanned,
    long updated,
    long alreadyCurrent,
    long wouldUpdate,
    long driftEvents,
    long knownDrift,
    long skippedNoFile,
    long skippedUnreadable,
    long skippedAlertFailed,
    long filesHashed,
    long bytesHashed,
    long bytesToHash) {

  public static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  public Counts plus(Counts o) {
    return new Counts(
        scanned + o.scanned,
        updated + o.updated,
        alreadyCurrent + o.alreadyCurrent,
        wouldUpdate + o.wouldUpdate,
        driftEvents + o.driftEvents,
        knownDrift + o.knownDrift,
        skippedNoFile + o.skippedNoFile,
        skippedUnreadable + o.skippedUnreadable,
        skippedAlertFailed + o.skippedAlertFailed,
        filesHashed + o.filesHashed,
        bytesHashed + o.bytesHashed,
        bytesToHash + o.bytesToHash);
  }

  Counts withDriftEvents(long events) {
    return new Counts(
        scanned,
        updated,
        alreadyCurrent,
        wouldUpdate,
        events,
        knownDrift,
        skippedNoFile,
        skippedUnreadable,
        skippedAlertFailed,
        filesHashed,
        bytesHashed,
        bytesToHash);
  }

  public long skipped() {
    return skippedNoFile + skippedUnreadable + skippedAlertFailed;
  }

  /** Writes the counts into {@code node}, keys in component order (snake_case). */
  void writeTo(ObjectNode node) {
    node.setAll((ObjectNode) EventJson.MAPPER.valueToTree(this));
  }

  /** Reads counts written by {@link #writeTo}; a missing count is 0. */
  static Counts readFrom(JsonNode node) {
    if (!node.isObject()) {
      return ZERO;
    }
    try {
      return EventJson.MAPPER.treeToValue(node, Counts.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed counts: " + e.getOriginalMessage(), e);
    }
  }
}
