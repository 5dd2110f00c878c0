package dev.scenegate.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes the seed format of {@code source_checksums.json}, with every DESIGN rule. */
public final class ManifestCodec {
  /** Manifests larger than this are refused before parsing (10 000 entries is ~1.5 MB). */
  public static final int MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

  private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final Pattern SCHEMA = Pattern.compile("(\\d+)(\\.\\d+)*");

  private static final ObjectMapper READER =
      new ObjectMapper(
              JsonFactory.builder()
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          // Keep 6.0 as written, so a refused size is quoted as given ("got 6.0", not "got 6").
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  /** Two-space indent and {@code "key": value}, as the upstream Python jobs write it. */
  private static final ObjectWriter WRITER =
      new ObjectMapper()
          .writer(
              new DefaultPrettyPrinter()
                  .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                  .withSeparators(
                      Separators.createDefaultInstance()
                          .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

  private ManifestCodec() {}

  /**
   * Parses and validates a manifest. {@code source} names it in error messages.
   *
   * @throws ManifestInvalidException when anything about it is wrong; the manifest is rejected
   *     whole
   */
  public static ChecksumManifest parse(byte[] json, String source) throws ManifestInvalidException {
    JsonNode tree;
    try {
      tree = READER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ManifestInvalidException(source, "not valid JSON: " + describe(e));
    } catch (IOException e) {
      throw new ManifestInvalidException(source, "not valid JSON: " + e.getMessage());
    }
    if (tree == null || tree.isMissingNode()) {
      throw new ManifestInvalidException(source, "empty document");
    }
    if (!tree.isObject()) {
      throw new ManifestInvalidException(source, "top level must be a JSON object");
    }
    String schemaVersion = checkSchemaVersion(tree.get("schema_version"), source);
    String generatedAt = optionalText(tree, "generated_at", source);
    String root = optionalText(tree, "root", source);
    JsonNode files = tree.get("files");
    if (files == null || !files.isObject()) {
      throw new ManifestInvalidException(source, "'files' must be a JSON object");
    }
    if (files.isEmpty()) {
      throw new ManifestInvalidException(source, "'files' lists no files");
    }
    List<ManifestEntry> entries = new ArrayList<>(files.size());
    Iterator<Map.Entry<String, JsonNode>> fields = files.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      entries.add(entry(field.getKey(), field.getValue(), source));
    }
    return new ChecksumManifest(schemaVersion, generatedAt, root, entries);
  }

  /** Jackson's reason without its multi-line source excerpt, plus where it happened. */
  private static String describe(JsonProcessingException e) {
    String reason = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
    reason = reason.replaceAll("\\s+", " ").strip();
    if (reason.length() > 300) {
      reason = reason.substring(0, 300) + "...";
    }
    JsonLocation where = e.getLocation();
    if (where != null && where.getLineNr() > 0) {
      reason += " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
    }
    return reason;
  }

  private static ManifestEntry entry(String path, JsonNode value, String source)
      throws ManifestInvalidException {
    String shown = quote(path);
    Optional<String> problem = RelativePaths.problem(path);
    if (problem.isPresent()) {
      throw new ManifestInvalidException(source, "entry " + shown + ": " + problem.get());
    }
    if (value == null || !value.isObject()) {
      throw new ManifestInvalidException(source, "entry " + shown + ": must be a JSON object");
    }
    JsonNode sha = value.get("sha256");
    if (sha == null || !sha.isTextual() || !HEX64.matcher(sha.textValue()).matches()) {
      throw new ManifestInvalidException(
          source,
          "entry " + shown + ": sha256 must be 64 hexadecimal characters, got " + shown(sha));
    }
    JsonNode size = value.get("size_bytes");
    // Only a JSON integer literal counts: 1.0, 1e3, "12", true and null are all refused.
    if (size == null || !size.isIntegralNumber() || size.bigIntegerValue().signum() < 0) {
      throw new ManifestInvalidException(
          source,
          "entry " + shown + ": size_bytes must be a non-negative integer, got " + shown(size));
    }
    if (size.bigIntegerValue().bitLength() > 63) {
      throw new ManifestInvalidException(
          source, "entry " + shown + ": size_bytes " + shown(size) + " is out of range");
    }
    return new ManifestEntry(path, sha.textValue().toLowerCase(Locale.ROOT), size.longValue());
  }

  private static String checkSchemaVersion(JsonNode node, String source)
      throws ManifestInvalidException {
    if (node == null || !node.isTextual()) {
      throw new ManifestInvalidException(source, "schema_version must be a string such as \"1.0\"");
    }
    String version = node.textValue();
    Matcher m = SCHEMA.matcher(version);
    if (!m.matches()) {
      throw new ManifestInvalidException(source, "malformed schema_version " + quote(version));
    }
    if (!new BigInteger(m.group(1)).equals(BigInteger.ONE)) {
      throw new ManifestInvalidException(
          source, "unsupported major schema_version " + quote(version) + " (supported: 1.x)");
    }
    return version;
  }

  private static String optionalText(JsonNode tree, String field, String source)
      throws ManifestInvalidException {
    JsonNode node = tree.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new ManifestInvalidException(source, "'" + field + "' must be a string");
    }
    return node.textValue();
  }

  /** A JSON value for messages: short, on one line, "missing" when absent. */
  private static String shown(JsonNode node) {
    if (node == null) {
      return "nothing";
    }
    String text = node.isTextual() ? quote(node.textValue()) : node.toString();
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

  /** Quotes a path for messages, escaping control characters so the message stays one line. */
  static String quote(String path) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < path.length() && i < 200; i++) {
      char c = path.charAt(i);
      boolean pairedSurrogate =
          Character.isHighSurrogate(c)
                  && i + 1 < path.length()
                  && Character.isLowSurrogate(path.charAt(i + 1))
              || Character.isLowSurrogate(c)
                  && i > 0
                  && Character.isHighSurrogate(path.charAt(i - 1));
      if (c < 0x20
          || c == 0x7f
          || (c >= 0x80 && c <= 0x9f)
          || (Character.isSurrogate(c) && !pairedSurrogate)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (path.length() > 200) {
      out.append("...");
    }
    return out.append('"').toString();
  }

  /** Serialises in the seed format, files sorted by path. */
  public static byte[] write(ChecksumManifest manifest) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("schema_version", manifest.schemaVersion());
    root.put("generated_at", manifest.generatedAt());
    root.put("root", manifest.root());
    ObjectNode files = root.putObject("files");
    manifest.files().stream()
        .sorted(Comparator.comparing(ManifestEntry::path, ManifestCodec::compareCodePoints))
        .forEach(
            e -> {
              ObjectNode node = files.putObject(e.path());
              node.put("sha256", e.sha256());
              node.put("size_bytes", e.sizeBytes());
            });
    try {
      return (WRITER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise manifest", e);
    }
  }

  /**
   * Orders by Unicode code point, which is also the order of the paths' UTF-8 bytes (and of
   * Python's {@code sort_keys}); {@link String#compareTo} would put characters beyond U+FFFF before
   * U+E000..U+FFFF.
   */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
