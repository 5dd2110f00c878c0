package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scenegate.verify.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  @TempDir Path elsewhere;

  private void write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private JsonNode read(Path manifest) throws IOException {
    return JSON.readTree(manifest.toFile());
  }

  private static List<String> keys(JsonNode node) {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @Test
  void writesASortedSeedFormatManifestThatVerifies() throws Exception {
    write("obj_2/mesh.bin", "mesh");
    write("obj_1/asset.glb", "glTF");
    write("obj_10/x.glb", "x");
    write("ünï/ファイル.glb", "u");
    write(".regen3d_complete", "");
    write("obj_1/.done", "");
    Instant before = Instant.now().minusSeconds(1);

    Cli run = Cli.run("manifest", dir.toString());

    assertEquals(0, run.exit(), run.toString());
    assertEquals("", run.err());
    Path manifest = dir.resolve("source_checksums.json");
    assertTrue(run.out().contains(manifest.toString()), run.out());
    JsonNode json = read(manifest);
    assertEquals(List.of("schema_version", "generated_at", "root", "files"), keys(json));
    assertEquals("1.0", json.get("schema_version").textValue());
    String generatedAt = json.get("generated_at").textValue();
    assertTrue(generatedAt.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), generatedAt);
    Instant at = Instant.parse(generatedAt);
    assertTrue(Duration.between(before, at).toSeconds() >= 0, generatedAt);
    assertTrue(Duration.between(at, Instant.now()).toSeconds() < 3600, generatedAt);
    assertEquals(dir.toAbsolutePath().toString(), json.get("root").textValue());
    assertEquals(
        List.of("obj_1/asset.glb", "obj_10/x.glb", "obj_2/mesh.bin", "ünï/ファイル.glb"),
        keys(json.get("files")));
    JsonNode entry = json.get("files").get("obj_1/asset.glb");
    assertEquals(List.of("sha256", "size_bytes"), keys(entry));
    assertEquals(
        Sha256.hex("glTF".getBytes(StandardCharsets.UTF_8)), entry.get("sha256").textValue());
    assertEquals(4, entry.get("size_bytes").longValue());

    assertEquals(0, Cli.run("verify", dir.toString()).exit());
    Cli strict = Cli.run("verify", dir.toString(), "--strict", "--json");
    assertEquals(0, strict.exit(), strict.toString());
  }

  @Test
  void aRelativeDirIsRecordedAsAnAbsoluteRoot() throws Exception {
    write("a.bin", "a");
    Path relative = Path.of("").toAbsolutePath().relativize(dir);

    assertEquals(0, Cli.run("manifest", relative.toString()).exit());

    assertEquals(
        dir.toAbsolutePath().normalize().toString(),
        read(dir.resolve("source_checksums.json")).get("root").textValue());
  }

  @Test
  void rerunningNeverListsTheManifestItself() throws Exception {
    write("a.bin", "a");
    assertEquals(0, Cli.run("manifest", dir.toString()).exit());
    write("b.bin", "b");

    assertEquals(0, Cli.run("manifest", dir.toString()).exit());

    assertEquals(
        List.of("a.bin", "b.bin"), keys(read(dir.resolve("source_checksums.json")).get("files")));
    assertEquals(0, Cli.run("verify", "--strict", dir.toString()).exit());
  }

  @Test
  void outElsewhereLeavesTheFolderUntouched() throws Exception {
    write("a.bin", "a");
    Path out = Files.createDirectories(elsewhere.resolve("nested")).resolve("m.json");

    Cli run = Cli.run("manifest", dir.toString(), "--out", out.toString());

    assertEquals(0, run.exit(), run.toString());
    assertEquals(List.of("a.bin"), keys(read(out).get("files")));
    assertFalse(Files.exists(dir.resolve("source_checksums.json")));
    try (var listing = Files.list(elsewhere.resolve("nested"))) {
      assertEquals(List.of(out), listing.toList(), "no temporary file left behind");
    }
  }

  @Test
  void outInAFolderThatDoesNotExistIsRefusedNotCreated() throws Exception {
    write("a.bin", "a");
    Path out = elsewhere.resolve("new/dir/m.json");

    Cli run = Cli.run("manifest", dir.toString(), "--out", out.toString());

    assertEquals(2, run.exit(), run.toString());
    run.oneErrorLine("scenegate manifest: --out: no such folder " + out.getParent());
    assertFalse(Files.exists(elsewhere.resolve("new")));
  }

  @Test
  void outInsideTheFolderIsNotListed() throws Exception {
    write("a.bin", "a");
    Path out = dir.resolve("reports/checksums.json");
    Files.createDirectories(out.getParent());
    Files.writeString(out, "an older run");

    assertEquals(0, Cli.run("manifest", dir.toString(), "--out=" + out).exit());

    assertEquals(List.of("a.bin"), keys(read(out).get("files")));
  }

  @Test
  void aManifestWrittenUnderAnotherNameBesideTheStandardOneVerifiesStrictly() throws Exception {
    write("a.bin", "a");
    assertEquals(0, Cli.run("manifest", dir.toString()).exit());
    Path other = dir.resolve("other.json");

    assertEquals(0, Cli.run("manifest", dir.toString(), "--out", other.toString()).exit());
    Cli verify = Cli.run("verify", other.toString(), "--strict", "--json");

    assertEquals(0, verify.exit(), verify.toString());
    assertEquals(0, verify.json().get("unlisted").size(), verify.out());
  }

  @Test
  void outOnAPipeWritesIntoThePipeInsteadOfReplacingIt() throws Exception {
    write("a.bin", "a");
    Path fifo = elsewhere.resolve("pipe");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    CompletableFuture<byte[]> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Files.readAllBytes(fifo);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });

    Cli run = Cli.run("manifest", dir.toString(), "--out", fifo.toString());

    assertEquals(0, run.exit(), run.toString());
    assertEquals("", run.out(), "the manifest bytes are the output");
    JsonNode manifest = JSON.readTree(read.get(60, TimeUnit.SECONDS));
    assertEquals(List.of("a.bin"), keys(manifest.get("files")));
    assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "still a pipe");
  }

  private void assertBadInput(String reason, String... argv) {
    Cli run = Cli.run(argv);
    assertEquals(2, run.exit(), run.toString());
    assertTrue(run.oneErrorLine("scenegate manifest: ").contains(reason), run.err());
  }

  @Test
  void badInputIsExitTwoWithOneLine() throws Exception {
    assertBadInput("no such folder", "manifest", dir.resolve("nope").toString());
    write("file.bin", "x");
    assertBadInput("not a folder", "manifest", dir.resolve("file.bin").toString());
    assertBadInput("missing DIR", "manifest");
    assertBadInput("empty argument", "manifest", "");
    assertBadInput("--out needs a value", "manifest", dir.toString(), "--out", "");
    assertBadInput("unexpected argument", "manifest", dir.toString(), dir.toString());
    assertBadInput("unknown option --json", "manifest", dir.toString(), "--json");
    assertBadInput("--threads must be", "manifest", dir.toString(), "--threads", "-3");
    Files.createDirectories(elsewhere.resolve("a-folder"));
    assertBadInput(
        "--out is a folder",
        "manifest",
        dir.toString(),
        "--out",
        elsewhere.resolve("a-folder").toString());
  }

  @Test
  void nothingToListIsBadInput() throws Exception {
    write(".regen3d_complete", "");
    assertBadInput("no files to list", "manifest", dir.toString());
    assertFalse(Files.exists(dir.resolve("source_checksums.json")));
  }

  @Test
  void aSymlinkLeadingOutIsBadInput() throws Exception {
    write("a.bin", "a");
    Files.writeString(elsewhere.resolve("secret"), "s");
    Files.createSymbolicLink(dir.resolve("linked"), elsewhere);

    assertBadInput("resolves outside its folder", "manifest", dir.toString());
    assertFalse(Files.exists(dir.resolve("source_checksums.json")));
  }

  @Test
  void aNameNoManifestCanHoldIsBadInput() throws Exception {
    write("a\\b.bin", "backslash");
    assertBadInput("backslash in path", "manifest", dir.toString());
  }

  @Test
  void helpExitsZero() {
    Cli run = Cli.run("manifest", "--help");
    assertEquals(0, run.exit());
    assertTrue(run.out().startsWith("usage: scenegate manifest DIR"), run.out());
  }
}
