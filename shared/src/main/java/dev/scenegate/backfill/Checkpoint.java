package dev.scenegate.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Progress of one backfill task, written periodically: every object at or before {@code position}
 * in the processing order is done (hashed, recorded, its folder's manifest handled), so are the few
 * objects named in {@code doneBeyond} (finished out of order by parallel threads), and {@code
 * tally} holds the job's totals up to there. A run finding an incomplete checkpoint for the same
 * target, types and shard resumes after {@code position}; a complete one starts a new pass, except
 * in the Cloud Run execution ({@code execution}, from {@code CLOUD_RUN_EXECUTION}) that completed
 * it: a retried attempt there reports the recorded outcome again, so drift stays a finding.
 */
public record Checkpoint(
    String target,
    List<ArtifactType> types,
    Shard shard,
    Position position,
    List<String> doneBeyond,
    boolean complete,
    String startedAt,
    String updatedAt,
    Tally tally,
    String execution) {

  public static final String SCHEMA_VERSION = "1.0";

  public Checkpoint {
    types = List.copyOf(types);
    doneBeyond = List.copyOf(doneBeyond);
  }

  /** A checkpoint written outside a Cloud Run execution. */
  public Checkpoint(
      String target,
      List<ArtifactType> types,
      Shard shard,
      Position position,
      List<String> doneBeyond,
      boolean complete,
      String startedAt,
      String updatedAt,
      Tally tally) {
    this(target, types, shard, position, doneBeyond, complete, startedAt, updatedAt, tally, null);
  }

  /** The default checkpoint object of a task, in the bucket being backfilled. */
  public static String objectName(Shard shard) {
    return "_scenegate/backfill/checkpoint-" + shard.index() + "-of-" + shard.count() + ".json";
  }

  /** True when a run with these settings may resume from this checkpoint. */
  public boolean resumableBy(String target, List<ArtifactType> types, Shard shard) {
    return !complete
        && this.target.equals(target)
        && this.types.equals(types)
        && this.shard.equals(shard);
  }

  public byte[] toBytes() {
    ObjectNode root = EventJson.MAPPER.createObjectNode();
    root.put("schema_version", SCHEMA_VERSION);
    root.put("target", target);
    ArrayNode typeList = root.putArray("types");
    types.forEach(t -> typeList.add(t.wireName()));
    root.put("task_index", shard.index());
    root.put("task_count", shard.count());
    if (position == null) {
      root.putNull("position");
    } else {
      ObjectNode pos = root.putObject("position");
      pos.put("type", position.type().wireName());
      pos.put("name", position.name());
    }
    ArrayNode beyond = root.putArray("done_beyond");
    doneBeyond.forEach(beyond::add);
    root.put("complete", complete);
    root.put("started_at", startedAt);
    root.put("updated_at", updatedAt);
    if (execution != null) {
      root.put("execution", execution);
    }
    tally.writeTo(root.putObject("totals"));
    return (root.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Parses a checkpoint; empty when it is not one this version can resume from. */
  public static Optional<Checkpoint> parse(byte[] data) {
    JsonNode root;
    try {
      root = EventJson.MAPPER.readTree(data);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (root == null
        || !root.isObject()
        || !SCHEMA_VERSION.equals(root.path("schema_version").asText())
        || !root.path("target").isTextual()) {
      return Optional.empty();
    }
    List<ArtifactType> types = new ArrayList<>();
    for (JsonNode t : root.path("types")) {
      Optional<ArtifactType> type = ArtifactType.fromWireName(t.asText());
      if (type.isEmpty()) {
        return Optional.empty();
      }
      types.add(type.get());
    }
    Shard shard;
    try {
      shard = Shard.of(root.path("task_index").asInt(-1), root.path("task_count").asInt(0));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    Position position = null;
    JsonNode pos = root.path("position");
    if (pos.isObject()) {
      Optional<ArtifactType> type = ArtifactType.fromWireName(pos.path("type").asText());
      if (type.isEmpty() || !pos.path("name").isTextual()) {
        return Optional.empty();
      }
      position = Position.of(type.get(), pos.path("name").asText());
    }
    List<String> doneBeyond = new ArrayList<>();
    root.path("done_beyond").forEach(n -> doneBeyond.add(n.asText()));
    return Optional.of(
        new Checkpoint(
            root.path("target").asText(),
            types,
            shard,
            position,
            doneBeyond,
            root.path("complete").asBoolean(false),
            root.path("started_at").asText(null),
            root.path("updated_at").asText(null),
            Tally.readFrom(root.path("totals")),
            root.path("execution").isTextual() ? root.path("execution").asText() : null));
  }
}
