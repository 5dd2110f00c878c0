package dev.scenegate.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestCodecTest {
  private static final String SHA =
      "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

  /** The seed's example, with a real digest. */
  private static final String SEED =
      """
      {
        "schema_version": "1.0",
        "generated_at": "2025-01-01T00:00:00Z",
        "root": "/mnt/gcs/scenes/example/assets",
        "files": {
          "obj_1/asset.glb": {
            "sha256": "%s",
            "size_bytes": 123456
          }
        }
      }
      """
          .formatted(SHA);

  private static ChecksumManifest parse(String json) throws ManifestInvalidException {
    return ManifestCodec.parse(json.getBytes(StandardCharsets.UTF_8), "m.json");
  }

  private static String reject(String json) {
    ManifestInvalidException e = assertThrows(ManifestInvalidException.class, () -> parse(json));
    assertTrue(e.getMessage().startsWith("m.json: "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e.getMessage();
  }

  private static String withEntry(String path, String body) {
    return "{\"schema_version\":\"1.0\",\"files\":{\"" + path + "\":" + body + "}}";
  }

  private static String withSize(String size) {
    return withEntry("obj_1/asset.glb", "{\"sha256\":\"" + SHA + "\",\"size_bytes\":" + size + "}");
  }

  private static String withSha(String sha) {
    return withEntry("obj_1/asset.glb", "{\"sha256\":" + sha + ",\"size_bytes\":5}");
  }

  @Test
  void readsTheSeedFormat() throws Exception {
    ChecksumManifest manifest = parse(SEED);
    assertEquals("1.0", manifest.schemaVersion());
    assertEquals("2025-01-01T00:00:00Z", manifest.generatedAt());
    assertEquals("/mnt/gcs/scenes/example/assets", manifest.root());
    assertEquals(List.of(ManifestEntry.of("obj_1/asset.glb", SHA, 123456)), manifest.files());
  }

  @Test
  void acceptsMinorVersionsUppercaseDigestsZeroSizesAndUnknownFields() throws Exception {
    ChecksumManifest manifest =
        parse(
            "{\"schema_version\":\"1.7\",\"producer\":\"regen3d\",\"files\":{"
                + "\"a\":{\"sha256\":\""
                + SHA.toUpperCase()
                + "\",\"size_bytes\":0,\"note\":1}}}");
    assertEquals("1.7", manifest.schemaVersion());
    assertNull(manifest.root());
    assertEquals(ManifestEntry.of("a", SHA, 0), manifest.files().get(0));
  }

  @Test
  void keepsTheLargestSize() throws Exception {
    ChecksumManifest manifest = parse(withSize(Long.toString(Long.MAX_VALUE)));
    assertEquals(Long.MAX_VALUE, manifest.files().get(0).sizeBytes());
  }

  static Stream<Arguments> notJson() {
    return Stream.of(
        Arguments.of("empty file", ""),
        Arguments.of("only whitespace", "  \n\t "),
        Arguments.of("plain text", "hello"),
        Arguments.of("truncated", SEED.substring(0, SEED.length() / 2)),
        Arguments.of("single quotes", "{'schema_version':'1.0'}"),
        Arguments.of("trailing comma", withSize("5").replace("5}", "5,}")),
        Arguments.of("comment", "// c\n" + SEED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notJson")
  void rejectsWhatIsNotJson(String name, String text) {
    String message = reject(text);
    assertTrue(message.contains("not valid JSON") || message.contains("empty document"), message);
  }

  @Test
  void rejectsInvalidUtf8() {
    String text = withSize("5");
    int at = text.indexOf("obj_1");
    byte[] head = text.substring(0, at).getBytes(StandardCharsets.UTF_8);
    byte[] tail = text.substring(at).getBytes(StandardCharsets.UTF_8);
    byte[] broken = new byte[head.length + 2 + tail.length];
    System.arraycopy(head, 0, broken, 0, head.length);
    broken[head.length] = (byte) 0xC3; // a lead byte followed by no continuation byte
    broken[head.length + 1] = (byte) 0x28;
    System.arraycopy(tail, 0, broken, head.length + 2, tail.length);
    ManifestInvalidException e =
        assertThrows(ManifestInvalidException.class, () -> ManifestCodec.parse(broken, "m.json"));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[" + "{}" + "]", "\"1.0\"", "42", "null", "true"})
  void rejectsATopLevelThatIsNotAnObject(String json) {
    String message = reject(json);
    assertTrue(message.contains("JSON object") || message.contains("empty"), message);
  }

  @Test
  void rejectsTrailingContent() {
    assertTrue(reject(SEED + "{}").contains("not valid JSON"));
    assertTrue(reject(SEED + " x").contains("not valid JSON"));
    assertTrue(reject(SEED + "]").contains("not valid JSON"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"2.0\"", "\"2\"", "\"10.0\"", "\"0.9\""})
  void rejectsAnUnknownMajorSchemaVersion(String version) {
    String message = reject(SEED.replace("\"1.0\"", version));
    assertTrue(message.contains("unsupported major schema_version"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0", "1", "null", "\"\"", "\"v1\"", "\"1.x\"", "\"١.0\"", "{}"})
  void rejectsAMissingOrMalformedSchemaVersion(String version) {
    String message = reject(SEED.replace("\"1.0\"", version));
    assertTrue(message.contains("schema_version"), message);
  }

  @Test
  void rejectsAMissingSchemaVersion() {
    assertTrue(
        reject("{\"files\":{\"a\":{\"sha256\":\"" + SHA + "\",\"size_bytes\":1}}}")
            .contains("schema_version"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"\"",
        "\"abc\"",
        "\"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982\"",
        "\"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b98244\"",
        "\"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982g\"",
        "\" 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982\"",
        "\"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9\"",
        "12",
        "null",
        "[]"
      })
  void rejectsADigestThatIsNot64Hex(String sha) {
    String message = reject(withSha(sha));
    assertTrue(message.contains("entry \"obj_1/asset.glb\": sha256 must be 64"), message);
  }

  @Test
  void rejectsAMissingDigest() {
    assertTrue(
        reject(withEntry("obj_1/asset.glb", "{\"size_bytes\":5}"))
            .contains("entry \"obj_1/asset.glb\": sha256"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-1", "1.0", "0.0", "1.5", "1e3", "1E0", "-0.0", "\"12\"", "\"\"", "null", "true", "[5]",
        "{}"
      })
  void rejectsASizeThatIsNotANonNegativeInteger(String size) {
    String message = reject(withSize(size));
    assertTrue(
        message.contains("entry \"obj_1/asset.glb\": size_bytes must be a non-negative integer"),
        message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"6.0", "1.50", "0.0"})
  void aRefusedSizeIsQuotedAsWritten(String size) {
    // "got 6" for 6.0 would leave the reader wondering what is wrong with 6.
    String message = reject(withSize(size));
    assertTrue(message.endsWith("got " + size), message);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"9223372036854775808", "18446744073709551616", "99999999999999999999999999999"})
  void rejectsASizeBeyondALong(String size) {
    String message = reject(withSize(size));
    assertTrue(message.contains("entry \"obj_1/asset.glb\": size_bytes"), message);
    assertTrue(message.contains("out of range"), message);
  }

  @Test
  void rejectsHostileNumbersAndNestingWithoutFallingOver() {
    assertTrue(reject(withSize("1" + "0".repeat(5000))).contains("m.json: "));
    String deep = "[".repeat(100_000);
    assertTrue(reject(deep).contains("not valid JSON"));
    String deepEntry = withEntry("a", "{\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
    assertTrue(reject(deepEntry).contains("not valid JSON"));
  }

  @Test
  void rejectsAMissingSize() {
    assertTrue(
        reject(withEntry("obj_1/asset.glb", "{\"sha256\":\"" + SHA + "\"}"))
            .contains("entry \"obj_1/asset.glb\": size_bytes"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"" + SHA + "\"", "null", "[]", "5"})
  void rejectsAnEntryThatIsNotAnObject(String body) {
    assertTrue(reject(withEntry("obj_1/asset.glb", body)).contains("must be a JSON object"));
  }

  @Test
  void rejectsADuplicateKeyNamingIt() {
    String entry = "{\"sha256\":\"" + SHA + "\",\"size_bytes\":5}";
    String message =
        reject(
            "{\"schema_version\":\"1.0\",\"files\":{\"obj_1/asset.glb\":"
                + entry
                + ",\"obj_2/b.glb\":"
                + entry
                + ",\"obj_1/asset.glb\":"
                + entry
                + "}}");
    assertTrue(message.contains("Duplicate field 'obj_1/asset.glb'"), message);
    assertTrue(message.contains("line 1"), message);
  }

  @Test
  void rejectsDuplicateKeysAtEveryLevel() {
    assertTrue(
        reject(SEED.replace("\"root\"", "\"schema_version\": \"1.0\", \"root\""))
            .contains("Duplicate field 'schema_version'"));
    assertTrue(
        reject(withEntry("a", "{\"sha256\":\"" + SHA + "\",\"size_bytes\":5,\"size_bytes\":6}"))
            .contains("Duplicate field 'size_bytes'"));
  }

  @Test
  void rejectsEmptyOrMissingFiles() {
    assertTrue(reject("{\"schema_version\":\"1.0\",\"files\":{}}").contains("no files"));
    assertTrue(reject("{\"schema_version\":\"1.0\"}").contains("'files' must be a JSON object"));
    assertTrue(
        reject("{\"schema_version\":\"1.0\",\"files\":[]}")
            .contains("'files' must be a JSON object"));
    assertTrue(
        reject("{\"schema_version\":\"1.0\",\"files\":null}")
            .contains("'files' must be a JSON object"));
  }

  @Test
  void rejectsNonTextRootOrTimestamp() {
    assertTrue(
        reject(SEED.replace("\"/mnt/gcs/scenes/example/assets\"", "5"))
            .contains("'root' must be a string"));
    assertTrue(
        reject(SEED.replace("\"2025-01-01T00:00:00Z\"", "{}"))
            .contains("'generated_at' must be a string"));
  }

  @Test
  void writesTheSeedFormatSortedByCodePoint() throws Exception {
    List<ManifestEntry> entries = new ArrayList<>();
    entries.add(ManifestEntry.of("z/last.bin", SHA, 3));
    entries.add(ManifestEntry.of("\uD83D\uDE00.bin", SHA, 4)); // U+1F600: after U+FF5E
    entries.add(ManifestEntry.of("\uFF5E.bin", SHA, 5));
    entries.add(ManifestEntry.of("a/first.bin", SHA, 1));
    entries.add(ManifestEntry.of("B/upper.bin", SHA, 2));
    ChecksumManifest manifest =
        ChecksumManifest.of("2025-01-01T00:00:00Z", "/mnt/gcs/scenes/x/assets", entries);

    String text = new String(ManifestCodec.write(manifest), StandardCharsets.UTF_8);

    assertTrue(text.startsWith("{\n  \"schema_version\": \"1.0\",\n"), text);
    assertTrue(text.contains("  \"generated_at\": \"2025-01-01T00:00:00Z\",\n"), text);
    assertTrue(text.contains("  \"root\": \"/mnt/gcs/scenes/x/assets\",\n"), text);
    assertTrue(text.contains("    \"a/first.bin\": {\n      \"sha256\": \"" + SHA + "\",\n"), text);
    assertTrue(text.endsWith("}\n"), text);
    List<String> order = parse(text).files().stream().map(ManifestEntry::path).toList();
    assertEquals(
        List.of("B/upper.bin", "a/first.bin", "z/last.bin", "\uFF5E.bin", "\uD83D\uDE00.bin"),
        order);
  }

  @Test
  void roundTripsTenThousandEntries() throws Exception {
    List<ManifestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      String sha = String.format("%064x", i);
      entries.add(ManifestEntry.of(String.format("obj_%05d/asset.glb", i), sha, i));
    }
    ChecksumManifest written = ChecksumManifest.of("2025-01-01T00:00:00Z", "/r", entries);

    ChecksumManifest read = ManifestCodec.parse(ManifestCodec.write(written), "m.json");

    assertEquals(written, read);
    assertEquals(10_000, read.byPath().size());
  }

  @Test
  void quoteKeepsMessagesOnOneLine() {
    assertEquals("\"a\\u000ab\"", ManifestCodec.quote("a\nb"));
    assertEquals("\"" + "x".repeat(200) + "...\"", ManifestCodec.quote("x".repeat(500)));
  }

  @Test
  void quoteEscapesLoneSurrogatesAndKeepsPairs() {
    // A lone surrogate cannot be printed; the console would show '?' instead of the culprit.
    assertEquals("\"a\\ud800b\"", ManifestCodec.quote("a\ud800b"));
    assertEquals("\"a\\udc00\"", ManifestCodec.quote("a\udc00"));
    assertEquals("\"\uD83D\uDE00\"", ManifestCodec.quote("\uD83D\uDE00"));
  }
}
