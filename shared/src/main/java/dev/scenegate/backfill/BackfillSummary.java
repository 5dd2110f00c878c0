package dev.scenegate.backfill;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.EventJson;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a backfill run. Totals ({@link #total()}, {@link #byType()}, the lists) cover the
 * whole job: a resumed run includes what the interrupted runs before it did (from the checkpoint).
 * {@code thisRunFilesHashed}/{@code thisRunBytesHashed} are this process alone. {@code complete} is
 * false when the run was stopped before the end of its shard.
 */
public record BackfillSummary(
    String target,
    boolean dryRun,
    boolean complete,
    Position resumedFrom,
    Shard shard,
    List<ArtifactType> types,
    Counts total,
    Map<ArtifactType, Counts> byType,
    List<Skipped> skipped,
    List<DriftEvent> drift,
    List<String> manifestsCreated,
    long manifestsExisting,
    List<ManifestNote> manifestsNotCreated,
    List<ManifestNote> manifestsInvalid,
    long thisRunFilesHashed,
    long thisRunBytesHashed,
    long thisRunBytesReused,
    long durationMs) {

  public BackfillSummary {
    types = List.copyOf(types);
    byType = Map.copyOf(byType);
    skipped = List.copyOf(skipped);
    drift = List.copyOf(drift);
    manifestsCreated = List.copyOf(manifestsCreated);
    manifestsNotCreated = List.copyOf(manifestsNotCreated);
    manifestsInvalid = List.copyOf(manifestsInvalid);
  }

  static BackfillSummary of(
      String target,
      boolean dryRun,
      boolean complete,
      Position resumedFrom,
      Shard shard,
      List<ArtifactType> types,
      Tally tally,
      long thisRunFilesHashed,
      long thisRunBytesHashed,
      long thisRunBytesReused,
      long durationMs) {
    return new BackfillSummary(
        target,
        dryRun,
        complete,
        resumedFrom,
        shard,
        types,
        tally.total(),
        tally.byType,
        // Threads finish out of order; the lists are shown in processing order.
        tally.skipped.stream()
            .sorted(java.util.Comparator.comparing(Skipped::type).thenComparing(Skipped::object))
            .toList(),
        tally.drift.stream()
            .sorted(
                java.util.Comparator.comparing(DriftEvent::type).thenComparing(DriftEvent::object))
            .toList(),
        tally.manifestsCreated.stream().sorted().toList(),
        tally.manifestsExisting,
        tally.manifestsNotCreated,
        tally.manifestsInvalid,
        thisRunFilesHashed,
        thisRunBytesHashed,
        thisRunBytesReused,
        durationMs);
  }

  public Counts countsOf(ArtifactType type) {
    return byType.getOrDefault(type, Counts.ZERO);
  }

  /** Findings that make the command exit 1: new drift, or objects that could not be hashed. */
  public boolean hasFindings() {
    return total.driftEvents() > 0
        || total.skippedUnreadable() > 0
        || total.skippedAlertFailed() > 0;
  }

  public ObjectNode toJson() {
    ObjectNode root = EventJson.MAPPER.createObjectNode();
    root.put("target", target);
    root.put("dry_run", dryRun);
    root.put("complete", complete);
    root.put("resumed", resumedFrom != null);
    if (resumedFrom != null) {
      ObjectNode from = root.putObject("resumed_from");
      from.put("type", resumedFrom.type().wireName());
      from.put("name", resumedFrom.name());
    } else {
      root.putNull("resumed_from");
    }
    root.put("task_index", shard.index());
    root.put("task_count", shard.count());
    ArrayNode typeList = root.putArray("types");
    types.forEach(t -> typeList.add(t.wireName()));
    Tally tally = new Tally();
    tally.byType.putAll(byType);
    tally.skipped.addAll(skipped);
    tally.drift.addAll(drift);
    tally.manifestsCreated.addAll(manifestsCreated);
    tally.manifestsNotCreated.addAll(manifestsNotCreated);
    tally.manifestsInvalid.addAll(manifestsInvalid);
    tally.manifestsExisting = manifestsExisting;
    tally.writeTo(root);
    // every requested type appears, even with nothing in it
    ObjectNode typeCounts = (ObjectNode) root.get("by_type");
    for (ArtifactType type : types) {
      if (!typeCounts.has(type.wireName())) {
        Counts.ZERO.writeTo(typeCounts.putObject(type.wireName()));
      }
    }
    ObjectNode run = root.putObject("this_run");
    run.put("files_hashed", thisRunFilesHashed);
    run.put("bytes_hashed", thisRunBytesHashed);
    run.put("bytes_reused", thisRunBytesReused);
    run.put("duration_ms", durationMs);
    root.put("duration_ms", durationMs);
    return root;
  }
}
