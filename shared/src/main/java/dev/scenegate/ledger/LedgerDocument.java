package dev.scenegate.ledger;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ledger document: the records of one shard (the objects under its first three path segments),
 * at most one per object, the newest generation. Read as untrusted: a record that does not parse,
 * or names an object outside the document's shard, is dropped, never reused.
 */
final class LedgerDocument {
  static final String SCHEMA_VERSION = "1.0";

  /** As written: generations as strings, as the GCS JSON API and scenegate's events carry them. */
  record Json(String schemaVersion, String shard, List<RecordJson> records) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record RecordJson(
      String object,
      String generation,
      String sha256,
      long sizeBytes,
      String crc32c,
      String computedAt,
      String by) {}

  private LedgerDocument() {}

  static byte[] encode(String shard, Map<String, DigestRecord> byObject) {
    List<RecordJson> records = new ArrayList<>();
    byObject.values().stream()
        .sorted(Comparator.comparing(DigestRecord::object))
        .forEach(
            r ->
                records.add(
                    new RecordJson(
                        r.object(),
                        Long.toString(r.generation()),
                        r.sha256(),
                        r.sizeBytes(),
                        r.crc32c(),
                        r.computedAt().toString(),
                        r.by())));
    try {
      return (EventJson.MAPPER.writeValueAsString(new Json(SCHEMA_VERSION, shard, records)) + "\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("ledger document did not serialise", e);
    }
  }

  /** The valid records of a document expected to hold {@code shard}; empty when unreadable. */
  static Map<String, DigestRecord> decode(byte[] data, String shard) {
    Map<String, DigestRecord> byObject = new LinkedHashMap<>();
    JsonNode root;
    try {
      root = EventJson.MAPPER.readTree(data);
    } catch (IOException e) {
      return byObject;
    }
    if (root == null
        || !root.isObject()
        || !SCHEMA_VERSION.equals(root.path("schema_version").asText(null))
        || !root.path("records").isArray()) {
      return byObject;
    }
    for (JsonNode node : root.path("records")) {
      DigestRecord record = record(node);
      if (record != null
          && record.object().startsWith(shard)
          && LedgerLayout.shardOf(record.object()).equals(shard)) {
        byObject.merge(record.object(), record, LedgerDocument::newer);
      }
    }
    return byObject;
  }

  /** Of two records for one object, the one for the newer generation (ties: {@code b}). */
  static DigestRecord newer(DigestRecord a, DigestRecord b) {
    return a.generation() > b.generation() ? a : b;
  }

  private static DigestRecord record(JsonNode node) {
    if (!node.isObject()
        || !node.path("object").isTextual()
        || !node.path("generation").isTextual()
        || !node.path("sha256").isTextual()
        || !node.path("size_bytes").isIntegralNumber()
        || !node.path("computed_at").isTextual()
        || !node.path("by").isTextual()
        || !(node.path("crc32c").isMissingNode()
            || node.path("crc32c").isNull()
            || node.path("crc32c").isTextual())) {
      return null;
    }
    try {
      return new DigestRecord(
          node.path("object").asText(),
          Long.parseLong(node.path("generation").asText()),
          node.path("sha256").asText(),
          node.path("size_bytes").asLong(),
          node.path("crc32c").isTextual() ? node.path("crc32c").asText() : null,
          Instant.parse(node.path("computed_at").asText()),
          node.path("by").asText());
    } catch (RuntimeException e) {
      return null;
    }
  }
}
