package dev.scenegate.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

  void writeTo(ObjectNode node) {
    node.put("scanned", scanned);
    node.put("updated", updated);
    node.put("already_current", alreadyCurrent);
    node.put("would_update", wouldUpdate);
    node.put("drift_events", driftEvents);
    node.put("known_drift", knownDrift);
    node.put("skipped_no_file", skippedNoFile);
    node.put("skipped_unreadable", skippedUnreadable);
    node.put("skipped_alert_failed", skippedAlertFailed);
    node.put("files_hashed", filesHashed);
    node.put("bytes_hashed", bytesHashed);
    node.put("bytes_to_hash", bytesToHash);
  }

  static Counts readFrom(JsonNode node) {
    return new Counts(
        node.path("scanned").asLong(),
        node.path("updated").asLong(),
        node.path("already_current").asLong(),
        node.path("would_update").asLong(),
        node.path("drift_events").asLong(),
        node.path("known_drift").asLong(),
        node.path("skipped_no_file").asLong(),
        node.path("skipped_unreadable").asLong(),
        node.path("skipped_alert_failed").asLong(),
        node.path("files_hashed").asLong(),
        node.path("bytes_hashed").asLong(),
        node.path("bytes_to_hash").asLong());
  }
}
