package dev.scenegate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.testing.ForwardingObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VerifierTest {
  private static final String MANIFEST = ChecksumManifest.FILE_NAME;

  @TempDir Path dir;

  /** A separate folder the symlink tests point out to. */
  @TempDir Path elsewhere;

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AtomicLong progress = new AtomicLong();

  private Path write(String name, String content) throws IOException {
    return write(name, content.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(String name, byte[] content) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.write(file, content);
  }

  /** Writes a manifest listing {@code files} with the digests and sizes given. */
  private void manifest(String name, Map<String, byte[]> files) throws IOException {
    List<ManifestEntry> entries = new ArrayList<>();
    files.forEach(
        (path, bytes) -> entries.add(ManifestEntry.of(path, Sha256.hex(bytes), bytes.length)));
    write(name, ManifestCodec.write(ChecksumManifest.of("2025-01-01T00:00:00Z", "/r", entries)));
  }

  /** Writes the files and a manifest that lists them as written. */
  private Map<String, byte[]> stage(String... pathsAndContents) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      byte[] bytes = pathsAndContents[i + 1].getBytes(StandardCharsets.UTF_8);
      files.put(pathsAndContents[i], bytes);
      write(pathsAndContents[i], bytes);
    }
    manifest(MANIFEST, files);
    return files;
  }

  private Verifier verifier(int threads) {
    return new Verifier(new LocalObjectStore(dir), threads, meters, progress::addAndGet);
  }

  private VerificationReport verify(boolean strict) throws Exception {
    return verifier(2).verify(MANIFEST, strict);
  }

  @Test
  void okWhenEveryFileMatches() throws Exception {
    stage("obj_1/asset.glb", "hello", "obj_2/mesh.bin", "mesh bytes", "source_image.png", "png");

    VerificationReport report = verify(false);

    assertTrue(report.ok());
    assertEquals(3, report.filesChecked());
    assertEquals(5 + 10 + 3, report.bytesHashed());
    assertEquals(List.of(), report.failures());
    assertEquals(List.of(), report.unlisted());
    assertEquals(18, progress.get());
    assertEquals(MANIFEST, report.manifest());
    assertEquals(3.0, meters.get("scenegate.verify.files").tag("outcome", "OK").counter().count());
  }

  @Test
  void missingFile() throws Exception {
    Map<String, byte[]> files = stage("obj_1/asset.glb", "hello", "obj_2/gone.glb", "gone");
    Files.delete(dir.resolve("obj_2/gone.glb"));

    VerificationReport report = verify(false);

    assertFalse(report.ok());
    assertEquals(
        List.of(
            new FileFailure(
                "obj_2/gone.glb",
                Outcome.MISSING,
                Sha256.hex(files.get("obj_2/gone.glb")),
                null,
                4,
                null)),
        report.failures());
  }

  @Test
  void aFolderWhereAFileIsExpectedIsMissing() throws Exception {
    stage("obj_1/asset.glb", "hello", "obj_2", "was a file");
    Files.delete(dir.resolve("obj_2"));
    Files.createDirectories(dir.resolve("obj_2/inside"));

    VerificationReport report = verify(false);

    assertEquals(Outcome.MISSING, report.failures().get(0).kind());
    assertEquals("obj_2", report.failures().get(0).path());
  }

  @Test
  void sizeMismatchIsFoundWithoutHashing() throws Exception {
    Map<String, byte[]> files = stage("obj_1/asset.glb", "hello");
    write("obj_1/asset.glb", "hello, but longer");

    VerificationReport report = verify(false);

    FileFailure failure = report.failures().get(0);
    assertEquals(Outcome.SIZE_MISMATCH, failure.kind());
    assertEquals(Sha256.hex(files.get("obj_1/asset.glb")), failure.expectedSha256());
    assertNull(failure.actualSha256());
    assertEquals(5, failure.expectedSize());
    assertEquals(17L, failure.actualSize());
    assertEquals(0, report.bytesHashed());
    assertEquals(0, progress.get(), "a size mismatch costs no hashing");
  }

  @Test
  void sameSizeDifferentBytesIsAShaMismatch() throws Exception {
    Map<String, byte[]> files = stage("obj_1/asset.glb", "hello", "obj_2/b.bin", "fine");
    write("obj_1/asset.glb", "jello");

    VerificationReport report = verify(false);

    assertEquals(
        List.of(
            new FileFailure(
                "obj_1/asset.glb",
                Outcome.SHA256_MISMATCH,
                Sha256.hex(files.get("obj_1/asset.glb")),
                Sha256.hex("jello".getBytes(StandardCharsets.UTF_8)),
                5,
                5L)),
        report.failures());
    assertEquals(9, report.bytesHashed());
  }

  @Test
  void emptyFiles() throws Exception {
    stage("empty.bin", "", "obj/also-empty", "");
    assertTrue(verify(false).ok());

    // Listed as empty, now has content; listed as empty with another digest.
    write("empty.bin", "x");
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("empty.bin", new byte[0]);
    manifest(MANIFEST, files);
    assertEquals(Outcome.SIZE_MISMATCH, verify(false).failures().get(0).kind());

    List<ManifestEntry> wrong = List.of(ManifestEntry.of("obj/also-empty", "0".repeat(64), 0));
    write(MANIFEST, ManifestCodec.write(ChecksumManifest.of("t", "/r", wrong)));
    FileFailure failure = verify(false).failures().get(0);
    assertEquals(Outcome.SHA256_MISMATCH, failure.kind());
    assertEquals(Sha256.hex(new byte[0]), failure.actualSha256());
  }

  @Test
  void unicodeNames() throws Exception {
    stage("ünïcødé/ファイル.glb", "one", "emoji/😀.bin", "two", "mixed/Ωmega 𝔘.txt", "three");
    assertTrue(verify(true).ok());

    write("emoji/😀.bin", "owt");
    VerificationReport report = verify(true);
    assertEquals(1, report.failures().size());
    assertEquals("emoji/😀.bin", report.failures().get(0).path());
    assertEquals(Outcome.SHA256_MISMATCH, report.failures().get(0).kind());
  }

  @Test
  void strictReportsUnlistedFilesButNeverTheManifestOrMarkers() throws Exception {
    stage("obj_1/asset.glb", "hello");
    write(".regen3d_complete", "");
    write("obj_1/.done", "");
    write(".git/objects/ab", "git");
    write("extra.txt", "not listed");
    write("obj_3/deep/extra.glb", "not listed either");

    VerificationReport strict = verify(true);
    VerificationReport lenient = verify(false);

    assertFalse(strict.ok());
    assertEquals(List.of(), strict.failures());
    assertEquals(List.of("extra.txt", "obj_3/deep/extra.glb"), strict.unlisted());
    assertTrue(lenient.ok());
    assertEquals(List.of(), lenient.unlisted());
  }

  @Test
  void strictVerificationOfAnotherManifestNeverListsTheStandardOneBesideIt() throws Exception {
    // What `manifest DIR --out DIR/other.json` writes leaves source_checksums.json out, so a
    // strict verify of other.json must not report it either (nor other.json itself).
    Map<String, byte[]> files = stage("obj_1/asset.glb", "hello");
    manifest("other.json", files);
    write("extra.txt", "not listed");

    VerificationReport report = verifier(2).verify("other.json", /* strict= */ true);

    assertEquals(List.of("extra.txt"), report.unlisted());
  }

  @Test
  void strictReportsFilesWhoseNamesNoManifestCouldHold() throws Exception {
    stage("obj_1/asset.glb", "hello");
    write("obj_1/a\\b.glb", "a backslash is legal in a Linux file name");
    write("obj_1/line\nbreak", "so is a newline");

    assertEquals(List.of("obj_1/a\\b.glb", "obj_1/line\nbreak"), verify(true).unlisted());
  }

  @Test
  void verifiesAManifestInASubFolderRelativeToThatFolder() throws Exception {
    write("scenes/k/assets/obj_1/asset.glb", "hello");
    write("scenes/k/source_image.png", "not in the assets folder");
    Map<String, byte[]> files = Map.of("obj_1/asset.glb", "hello".getBytes(StandardCharsets.UTF_8));
    manifest("scenes/k/assets/" + MANIFEST, files);

    VerificationReport report =
        verifier(2).verify("scenes/k/assets/" + MANIFEST, /* strict= */ true);

    assertTrue(report.ok(), report.toString());
    assertEquals(List.of(), report.unlisted());
  }

  @Test
  void tenThousandEntries() throws Exception {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < 10_000; i++) {
      String name = String.format("obj_%03d/part_%05d.bin", i % 100, i);
      byte[] bytes = ("content " + i).getBytes(StandardCharsets.UTF_8);
      files.put(name, bytes);
      write(name, bytes);
    }
    manifest(MANIFEST, files);

    VerificationReport ok = verify(true);
    assertTrue(ok.ok());
    assertEquals(10_000, ok.filesChecked());

    write("obj_042/part_09942.bin", "content 99942"); // size differs
    write("obj_007/part_00007.bin", "content X"); // same size, other bytes
    Files.delete(dir.resolve("obj_099/part_00199.bin"));
    VerificationReport failed = verify(true);
    assertEquals(
        List.of(
            "obj_007/part_00007.bin:SHA256_MISMATCH",
            "obj_042/part_09942.bin:SIZE_MISMATCH",
            "obj_099/part_00199.bin:MISSING"),
        failed.failures().stream().map(f -> f.path() + ":" + f.kind()).toList());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7})
  void anyThreadCountGivesTheSameReport(int threads) throws Exception {
    stage("a", "1", "b", "22", "c", "333", "d", "4444", "e", "");
    write("c", "xyz");
    write("d", "4");
    VerificationReport report = verifier(threads).verify(MANIFEST, false);
    assertEquals(
        List.of("c:SHA256_MISMATCH", "d:SIZE_MISMATCH"),
        report.failures().stream().map(f -> f.path() + ":" + f.kind()).toList());
    assertEquals(1 + 2 + 3, report.bytesHashed());
  }

  @Test
  void rejectsThreadCountsBelowOne() {
    assertThrows(
        IllegalArgumentException.class, () -> new Verifier(new LocalObjectStore(dir), 0, meters));
  }

  // --- symlinks -----------------------------------------------------------------------------

  private Path outside() throws IOException {
    Files.writeString(elsewhere.resolve("secret"), "hello");
    return elsewhere;
  }

  private ManifestInvalidException rejected() {
    ManifestInvalidException e = assertThrows(ManifestInvalidException.class, () -> verify(false));
    assertEquals(0, progress.get(), "rejected whole: nothing hashed");
    return e;
  }

  @Test
  void aFileSymlinkLeadingOutIsRejected() throws Exception {
    stage("obj_1/asset.glb", "hello", "obj_2/b.bin", "b");
    Files.delete(dir.resolve("obj_1/asset.glb"));
    Files.createSymbolicLink(dir.resolve("obj_1/asset.glb"), outside().resolve("secret"));

    ManifestInvalidException e = rejected();

    assertTrue(
        e.getMessage().contains("entry \"obj_1/asset.glb\": resolves outside its folder"),
        e.getMessage());
  }

  @Test
  void aFolderSymlinkLeadingOutIsRejected() throws Exception {
    Path outside = outside();
    stage("obj_2/b.bin", "b");
    Files.createSymbolicLink(dir.resolve("obj_1"), outside);
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("obj_1/secret", "hello".getBytes(StandardCharsets.UTF_8));
    files.put("obj_2/b.bin", "b".getBytes(StandardCharsets.UTF_8));
    manifest(MANIFEST, files);

    assertTrue(rejected().getMessage().contains("entry \"obj_1/secret\""));
  }

  @Test
  void aSymlinkLeadingOutThroughAMissingFileIsRejected() throws Exception {
    // obj_1 links out; obj_1/absent does not exist, but its resolution would leave the folder.
    stage("obj_2/b.bin", "b");
    Files.createSymbolicLink(dir.resolve("obj_1"), outside());
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("obj_1/absent/x.glb", "x".getBytes(StandardCharsets.UTF_8));
    manifest(MANIFEST, files);

    assertTrue(rejected().getMessage().contains("entry \"obj_1/absent/x.glb\""));
  }

  @Test
  void aDanglingSymlinkIsRejected() throws Exception {
    stage("obj_1/asset.glb", "hello");
    Files.delete(dir.resolve("obj_1/asset.glb"));
    Files.createSymbolicLink(dir.resolve("obj_1/asset.glb"), dir.resolve("../nowhere/at/all"));

    assertTrue(rejected().getMessage().contains("entry \"obj_1/asset.glb\": dangling symlink"));
  }

  @Test
  void aSymlinkLoopIsRejected() throws Exception {
    stage("obj_1/asset.glb", "hello");
    Files.delete(dir.resolve("obj_1/asset.glb"));
    Files.createSymbolicLink(dir.resolve("obj_1/asset.glb"), dir.resolve("obj_1/loop"));
    Files.createSymbolicLink(dir.resolve("obj_1/loop"), dir.resolve("obj_1/asset.glb"));

    assertTrue(rejected().getMessage().contains("entry \"obj_1/asset.glb\""));
  }

  @Test
  void aSymlinkThatStaysInsideIsFollowed() throws Exception {
    stage("obj_1/asset.glb", "hello", "obj_2/alias.glb", "hello");
    Files.delete(dir.resolve("obj_2/alias.glb"));
    Files.createSymbolicLink(dir.resolve("obj_2/alias.glb"), Path.of("../obj_1/asset.glb"));

    assertTrue(verify(false).ok());
  }

  // --- the manifest itself ------------------------------------------------------------------

  @Test
  void aMissingManifest() {
    assertThrows(ManifestMissingException.class, () -> verify(false));
  }

  @Test
  void anInvalidManifestIsRejectedBeforeAnythingIsHashed() throws Exception {
    write("a.bin", "a");
    write(MANIFEST, "{\"schema_version\":\"2.0\",\"files\":{}}");
    ManifestInvalidException e = rejected();
    assertTrue(e.getMessage().contains(dir.resolve(MANIFEST).toString()), e.getMessage());
  }

  @Test
  void unreadableFilesAreAnErrorNotAPassAndAllAreNamed() throws Exception {
    stage("obj_1/asset.glb", "hello", "obj_2/asset.glb", "world", "obj_3/asset.glb", "fine");
    ObjectStore store =
        new Unreadable(
            new LocalObjectStore(dir), java.util.Set.of("obj_1/asset.glb", "obj_2/asset.glb"));
    Verifier verifier = new Verifier(store, 2, meters);

    UnreadableFilesException e =
        assertThrows(UnreadableFilesException.class, () -> verifier.verify(MANIFEST, false));
    assertEquals(
        List.of("obj_1/asset.glb (permission denied)", "obj_2/asset.glb (permission denied)"),
        e.files());
    assertTrue(e.getMessage().startsWith("cannot read 2 listed files: "), e.getMessage());
  }

  /** Refuses to open some objects, as a file without read permission does for a normal user. */
  private static final class Unreadable extends ForwardingObjectStore {
    private final java.util.Set<String> names;

    Unreadable(ObjectStore delegate, java.util.Set<String> names) {
      super(delegate);
      this.names = names;
    }

    @Override
    public InputStream open(String object, long generation) throws IOException {
      if (names.contains(object)) {
        throw new AccessDeniedException(delegate.describe(object));
      }
      return super.open(object, generation);
    }
  }
}
