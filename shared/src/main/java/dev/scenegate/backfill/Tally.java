package dev.scenegate.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Running totals of one backfill job, carried across resumes in the checkpoint. Only the engine's
 * coordinating thread touches it, so it is not synchronised.
 */
final class Tally {
  final Map<ArtifactType, Counts> byType = new EnumMap<>(ArtifactType.class);
  final List<Skipped> skipped = new ArrayList<>();
  final List<DriftEvent> drift = new ArrayList<>();
  final List<String> manifestsCreated = new ArrayList<>();
  final List<ManifestNote> manifestsNotCreated = new ArrayList<>();
  final List<ManifestNote> manifestsInvalid = new ArrayList<>();
  long manifestsExisting;

  /**
   * Fresh totals that start with the drift {@code earlier} found: a retried attempt reports it
   * again although the hashes are recorded by now.
   */
  static Tally withDriftOf(Tally earlier) {
    Tally tally = new Tally();
    for (DriftEvent drift : earlier.drift) {
      tally.drift.add(drift);
      tally.add(drift.type(), Counts.ZERO.withDriftEvents(1));
    }
    return tally;
  }

  boolean hasDrift(String alertId) {
    return drift.stream().anyMatch(d -> d.alertId().equals(alertId));
  }

  void add(ArtifactType type, Counts delta) {
    byType.merge(type, delta, Counts::plus);
  }

  Counts total() {
    Counts total = Counts.ZERO;
    for (Counts counts : byType.values()) {
      total = total.plus(counts);
    }
    return total;
  }

  void writeTo(ObjectNode node) {
    total().writeTo(node);
    node.put("manifests_created", manifestsCreated.size());
    node.put("manifests_existing", manifestsExisting);
    ObjectNode types = node.putObject("by_type");
    for (Map.Entry<ArtifactType, Counts> e : byType.entrySet()) {
      e.getValue().writeTo(types.putObject(e.getKey().wireName()));
    }
    ArrayNode skippedList = node.putArray("skipped");
    for (Skipped s : skipped) {
      ObjectNode item = skippedList.addObject();
      item.put("object", s.object());
      item.put("type", s.type().wireName());
      item.put("reason", s.reason());
      item.put("detail", s.detail());
    }
    ArrayNode driftList = node.putArray("drift");
    for (DriftEvent d : drift) {
      ObjectNode item = driftList.addObject();
      item.put("object", d.object());
      item.put("type", d.type().wireName());
      d.writeFindingTo(item);
      item.put("manifest", d.manifest());
      item.put("alert_id", d.alertId());
    }
    ObjectNode manifests = node.putObject("manifests");
    ArrayNode created = manifests.putArray("created");
    manifestsCreated.forEach(created::add);
    writeNotes(manifests.putArray("not_created"), manifestsNotCreated);
    writeNotes(manifests.putArray("invalid"), manifestsInvalid);
  }

  private static void writeNotes(ArrayNode array, List<ManifestNote> notes) {
    for (ManifestNote note : notes) {
      ObjectNode item = array.addObject();
      item.put("object", note.object());
      item.put("reason", note.reason());
    }
  }

  /** Reads totals written by {@link #writeTo}; unknown types are dropped. */
  static Tally readFrom(JsonNode node) {
    Tally tally = new Tally();
    node.path("by_type")
        .fields()
        .forEachRemaining(
            e ->
                ArtifactType.fromWireName(e.getKey())
                    .ifPresent(t -> tally.byType.put(t, Counts.readFrom(e.getValue()))));
    for (JsonNode s : node.path("skipped")) {
      ArtifactType.fromWireName(s.path("type").asText())
          .ifPresent(
              t ->
                  tally.skipped.add(
                      new Skipped(
                          s.path("object").asText(),
                          t,
                          s.path("reason").asText(),
                          s.path("detail").asText(null))));
    }
    for (JsonNode d : node.path("drift")) {
      ArtifactType.fromWireName(d.path("type").asText())
          .ifPresent(
              t ->
                  tally.drift.add(
                      new DriftEvent(
                          d.path("object").asText(),
                          t,
                          d.path("generation").asLong(),
                          d.path("updated").asText(null),
                          d.path("mtime").asText(null),
                          d.path("actual_sha256").asText(null),
                          d.path("size_bytes").asLong(),
                          d.path("metadata_sha256").asText(null),
                          d.path("manifest").asText(null),
                          d.path("manifest_sha256").asText(null),
                          d.path("alert_id").asText(null))));
    }
    JsonNode manifests = node.path("manifests");
    manifests.path("created").forEach(c -> tally.manifestsCreated.add(c.asText()));
    readNotes(manifests.path("not_created"), tally.manifestsNotCreated);
    readNotes(manifests.path("invalid"), tally.manifestsInvalid);
    tally.manifestsExisting = node.path("manifests_existing").asLong();
    return tally;
  }

  private static void readNotes(JsonNode array, List<ManifestNote> into) {
    for (JsonNode n : array) {
      into.add(ManifestNote.of(n.path("object").asText(), n.path("reason").asText()));
    }
  }
}
