package dev.scenegate.backfill;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
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

  private static final ObjectWriter PRETTY = EventJson.MAPPER.writerWithDefaultPrettyPrinter();

  /**
   * The checkpoint document as written (keys in component order; {@code execution} only when
   * known), bound through {@link EventJson#MAPPER}. {@code totals} is the {@link Tally}'s form.
   */
  record Document(
      String schemaVersion,
      String target,
      List<String> types,
      Integer taskIndex,
      Integer taskCount,
      PositionJson position,
      List<String> doneBeyond,
      Boolean complete,
      String startedAt,
      String updatedAt,
      @JsonInclude(JsonInclude.Include.NON_NULL) String execution,
      JsonNode totals) {}

  /** A {@link Position} as written: the type's wire name and the object name. */
  record PositionJson(String type, String name) {}

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
    ObjectNode totals = EventJson.MAPPER.createObjectNode();
    tally.writeTo(totals);
    Document doc =
        new Document(
            SCHEMA_VERSION,
            target,
            types.stream().map(ArtifactType::wireName).toList(),
            shard.index(),
            shard.count(),
            position == null ? null : new PositionJson(position.type().wireName(), position.name()),
            doneBeyond,
            complete,
            startedAt,
            updatedAt,
            execution,
            totals);
    try {
      return (PRETTY.writeValueAsString(doc) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write checkpoint", e);
    }
  }

  /** Parses a checkpoint; empty when it is not one this version can resume from. */
  public static Optional<Checkpoint> parse(byte[] data) {
    JsonNode root;
    Document doc;
    try {
      root = EventJson.MAPPER.readTree(data);
      if (root == null || !root.isObject() || !root.path("target").isTextual()) {
        return Optional.empty();
      }
      // As the released version read them: a position that is no object is none, so is an
      // execution that is no string.
      ObjectNode fields = (ObjectNode) root;
      if (!fields.path("position").isObject()) {
        fields.remove("position");
      }
      if (!fields.path("execution").isTextual()) {
        fields.remove("execution");
      }
      doc = EventJson.MAPPER.treeToValue(root, Document.class);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    if (!SCHEMA_VERSION.equals(doc.schemaVersion())) {
      return Optional.empty();
    }
    try {
      return Optional.of(checkpoint(doc));
    } catch (IllegalArgumentException | NullPointerException e) {
      return Optional.empty();
    }
  }

  /** The checkpoint {@code doc} describes; IllegalArgumentException when it cannot be resumed. */
  private static Checkpoint checkpoint(Document doc) {
    List<ArtifactType> types = new ArrayList<>();
    for (String t : doc.types() == null ? List.<String>of() : doc.types()) {
      types.add(type(t));
    }
    Shard shard =
        Shard.of(
            doc.taskIndex() == null ? -1 : doc.taskIndex(),
            doc.taskCount() == null ? 0 : doc.taskCount());
    Position position = null;
    if (doc.position() != null) {
      if (doc.position().name() == null) {
        throw new IllegalArgumentException("position without a name");
      }
      position = Position.of(type(doc.position().type()), doc.position().name());
    }
    List<String> doneBeyond = new ArrayList<>();
    if (doc.doneBeyond() != null) {
      doc.doneBeyond().forEach(doneBeyond::add);
    }
    return new Checkpoint(
        doc.target(),
        types,
        shard,
        position,
        doneBeyond,
        doc.complete() != null && doc.complete(),
        doc.startedAt(),
        doc.updatedAt(),
        Tally.readFrom(doc.totals() == null ? EventJson.MAPPER.missingNode() : doc.totals()),
        doc.execution());
  }

  private static ArtifactType type(String wireName) {
    return ArtifactType.fromWireName(wireName == null ? "" : wireName)
        .orElseThrow(() -> new IllegalArgumentException("unknown type " + wireName));
  }
}
