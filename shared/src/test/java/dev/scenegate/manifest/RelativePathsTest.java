package dev.scenegate.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RelativePathsTest {
  private static final String SHA = "a".repeat(64);

  /** Every way a manifest key could leave its folder, with the reason it must give. */
  static Stream<Arguments> hostilePaths() {
    return Stream.of(
        Arguments.of("/etc/passwd", "absolute path"),
        Arguments.of("/", "absolute path"),
        Arguments.of("//server/share/x", "absolute path"),
        Arguments.of("..", "'..' path segment"),
        Arguments.of("../secret", "'..' path segment"),
        Arguments.of("obj_1/../../x", "'..' path segment"),
        Arguments.of("obj_1/..", "'..' path segment"),
        Arguments.of("a/b/../../..", "'..' path segment"),
        Arguments.of("a\\b", "backslash in path"),
        Arguments.of("..\\..\\windows\\system32", "backslash in path"),
        Arguments.of("\\\\server\\share", "backslash in path"),
        Arguments.of("", "empty path"),
        Arguments.of("a//b", "empty path segment"),
        Arguments.of("a/", "empty path segment"),
        Arguments.of(".", "'.' path segment"),
        Arguments.of("./a", "'.' path segment"),
        Arguments.of("a/./b", "'.' path segment"),
        Arguments.of("a\u0000b", "control character in path"),
        Arguments.of("\u0000", "control character in path"),
        Arguments.of("a\nb", "control character in path"),
        Arguments.of("a\rb", "control character in path"),
        Arguments.of("a\tb", "control character in path"),
        Arguments.of("a\u001bb", "control character in path"),
        Arguments.of("a\u007fb", "control character in path"),
        Arguments.of("a\u0085b", "control character in path"),
        Arguments.of("C:/Windows/x", "drive-qualified path"),
        Arguments.of("c:evil", "drive-qualified path"),
        Arguments.of("a/\ud800b", "malformed unicode in path"),
        Arguments.of("a\udc00", "malformed unicode in path"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("hostilePaths")
  void refusesEveryPathThatCouldLeaveItsFolder(String path, String reason) {
    assertEquals(Optional.of(reason), RelativePaths.problem(path));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("hostilePaths")
  void aManifestWithOneHostilePathIsRejectedWholeNamingTheEntry(String path, String reason) {
    String entry = "{\"sha256\":\"" + SHA + "\",\"size_bytes\":1}";
    byte[] json =
        ("{\"schema_version\":\"1.0\",\"files\":{\"obj_0/fine.glb\":"
                + entry
                + ","
                + jsonString(path)
                + ":"
                + entry
                + "}}")
            .getBytes(StandardCharsets.UTF_8);

    ManifestInvalidException e =
        assertThrows(ManifestInvalidException.class, () -> ManifestCodec.parse(json, "m.json"));

    assertTrue(e.getMessage().contains("entry " + ManifestCodec.quote(path)), e.getMessage());
    assertTrue(e.getMessage().endsWith(reason), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  /**
   * A JSON string literal with every non-printable-ASCII character escaped (lone surrogates too).
   */
  static String jsonString(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  @Test
  void jsonEscapesAreDecodedBeforeTheCheck() {
    String json =
        "{\"schema_version\":\"1.0\",\"files\":{\"\\u002e\\u002e/etc/passwd\":"
            + "{\"sha256\":\""
            + SHA
            + "\",\"size_bytes\":1}}}";
    ManifestInvalidException e =
        assertThrows(
            ManifestInvalidException.class,
            () -> ManifestCodec.parse(json.getBytes(StandardCharsets.UTF_8), "m.json"));
    assertTrue(e.getMessage().contains("\"../etc/passwd\""), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "obj_1/asset.glb",
        "source_image.png",
        "ünïcødé/ファイル.glb",
        "emoji/😀.bin",
        "with space/and  more.txt",
        "...",
        "..a",
        "a..",
        "a/...b/c",
        ".hidden",
        "obj_1/.marker",
        "-dash",
        "~",
        "1:2"
      })
  void acceptsOrdinaryRelativePaths(String path) {
    assertEquals(Optional.empty(), RelativePaths.problem(path));
  }

  @Test
  void hiddenMeansAnyDotNamedSegment() {
    assertTrue(RelativePaths.isHidden(".regen3d_complete"));
    assertTrue(RelativePaths.isHidden("obj_1/.done"));
    assertTrue(RelativePaths.isHidden(".git/objects/ab"));
    assertFalse(RelativePaths.isHidden("obj_1/asset.glb"));
    assertFalse(RelativePaths.isHidden("a.b/c.d"));
  }

  @Test
  void parentPrefixAndBaseName() {
    assertEquals("scenes/x/assets/", RelativePaths.parentPrefix("scenes/x/assets/m.json"));
    assertEquals("", RelativePaths.parentPrefix("m.json"));
    assertEquals("m.json", RelativePaths.baseName("scenes/x/assets/m.json"));
    assertEquals("m.json", RelativePaths.baseName("m.json"));
  }
}
