package dev.scenegate.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.PathEscapesException;
import dev.scenegate.verify.Sha256;
import dev.scenegate.verify.VerificationReport;
import dev.scenegate.verify.Verifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestBuilderTest {
  @TempDir Path dir;
  @TempDir Path elsewhere;

  private void write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private ChecksumManifest build(List<String> exclude) throws Exception {
    return new ManifestBuilder(new LocalObjectStore(dir), 2).build("", "/mnt/x", exclude);
  }

  @Test
  void listsEveryFileButTheManifestMarkersAndDotFoldersSorted() throws Exception {
    write("z.bin", "z");
    write("obj_2/b.glb", "bb");
    write("obj_1/asset.glb", "hello");
    write("obj_1/ünï.glb", "u");
    write("empty", "");
    write(ChecksumManifest.FILE_NAME, "{\"old\": true}");
    write(".regen3d_complete", "");
    write("obj_1/.done", "");
    write(".cache/tmp.bin", "scratch");
    write("report.json", "excluded by the caller");

    ChecksumManifest manifest = build(List.of("report.json"));

    assertEquals("/mnt/x", manifest.root());
    assertTrue(
        manifest.generatedAt().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"),
        manifest.generatedAt());
    assertEquals(
        List.of(
            ManifestEntry.of("empty", Sha256.hex(new byte[0]), 0),
            ManifestEntry.of("obj_1/asset.glb", Sha256.hex(bytes("hello")), 5),
            ManifestEntry.of("obj_1/ünï.glb", Sha256.hex(bytes("u")), 1),
            ManifestEntry.of("obj_2/b.glb", Sha256.hex(bytes("bb")), 2),
            ManifestEntry.of("z.bin", Sha256.hex(bytes("z")), 1)),
        manifest.files());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void whatItWritesVerifiesStrictly() throws Exception {
    write("obj_1/asset.glb", "hello");
    write("obj_2/deep/er/mesh.bin", "mesh");
    write("source_image.png", "png");
    write(".usd_complete", "");
    ChecksumManifest manifest = build(List.of());
    Files.write(dir.resolve(ChecksumManifest.FILE_NAME), ManifestCodec.write(manifest));

    VerificationReport report =
        new Verifier(new LocalObjectStore(dir), 2, new SimpleMeterRegistry())
            .verify(ChecksumManifest.FILE_NAME, /* strict= */ true);

    assertTrue(report.ok(), report.toString());
    assertEquals(3, report.filesChecked());
  }

  @Test
  void anEmptyFolderHasNothingToList() throws Exception {
    write(".regen3d_complete", "");
    ManifestInvalidException e =
        assertThrows(ManifestInvalidException.class, () -> build(List.of()));
    assertTrue(e.getMessage().contains("no files to list"), e.getMessage());
  }

  @Test
  void refusesNamesAManifestCannotHold() throws Exception {
    write("obj_1/fine.glb", "ok");
    write("obj_1/a\\b.glb", "a backslash is legal in a Linux file name");
    ManifestInvalidException e =
        assertThrows(ManifestInvalidException.class, () -> build(List.of()));
    assertTrue(e.getMessage().contains("a\\b.glb"), e.getMessage());
    assertTrue(e.getMessage().contains("backslash in path"), e.getMessage());
  }

  @Test
  void refusesAControlCharacterInAName() throws Exception {
    write("obj_1/line\nbreak.glb", "x");
    ManifestInvalidException e =
        assertThrows(ManifestInvalidException.class, () -> build(List.of()));
    assertTrue(e.getMessage().contains("control character in path"), e.getMessage());
  }

  @Test
  void refusesAFileNameThatIsNotValidUtf8() throws Exception {
    assumeTrue(
        "UTF-8".equals(System.getProperty("sun.jnu.encoding")), "needs a UTF-8 file-name charset");
    write("obj_1/fine.glb", "ok");
    // Java cannot spell such a name; the shell writes byte 0xFF into it.
    Process shell =
        new ProcessBuilder(
                "sh",
                "-c",
                "printf x > \"$(printf '%s/bad\\377.glb' \"$1\")\"",
                "sh",
                dir.toString())
            .inheritIO()
            .start();
    assertEquals(0, shell.waitFor());

    ManifestInvalidException e =
        assertThrows(ManifestInvalidException.class, () -> build(List.of()));
    assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
  }

  @Test
  void refusesASymlinkLeadingOut() throws Exception {
    write("obj_1/asset.glb", "hello");
    Files.writeString(elsewhere.resolve("secret"), "secret");
    Files.createSymbolicLink(dir.resolve("obj_2"), elsewhere);

    PathEscapesException e = assertThrows(PathEscapesException.class, () -> build(List.of()));
    assertTrue(e.getMessage().contains("obj_2/secret"), e.getMessage());
  }
}
