package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.verify.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VerifyCommandTest {
  private static final List<String> REPORT_KEYS =
      List.of(
          "target",
          "manifest",
          "ok",
          "files_checked",
          "bytes_hashed",
          "bytes_reused",
          "duration_ms",
          "error",
          "failures",
          "unlisted");
  private static final List<String> FAILURE_KEYS =
      List.of("path", "kind", "expected_sha256", "actual_sha256", "expected_size", "actual_size");

  @TempDir Path root;
  @TempDir Path elsewhere;
  private Path assets;

  @BeforeEach
  void scene() throws IOException {
    assets = root.resolve("scenes/kitchen_001/assets");
    write("obj_1/asset.glb", "glTF binary");
    write("obj_2/mesh.bin", "mesh");
    write(".regen3d_complete", "");
    assertEquals(0, Cli.run("manifest", assets.toString()).exit());
  }

  private Path write(String name, String content) throws IOException {
    Path file = assets.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private void writeManifest(String json) throws IOException {
    Files.writeString(assets.resolve("source_checksums.json"), json);
  }

  private static List<String> keys(JsonNode node) {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  private static String sha(String content) {
    return Sha256.hex(content.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void exitZeroWithTheExactJsonShape() throws Exception {
    Cli run = Cli.run("verify", assets.toString(), "--json");

    assertEquals(0, run.exit(), run.toString());
    assertEquals("", run.err());
    JsonNode json = run.json();
    assertEquals(REPORT_KEYS, keys(json));
    assertEquals(assets.toString(), json.get("target").textValue());
    assertEquals(
        assets.resolve("source_checksums.json").toString(), json.get("manifest").textValue());
    assertTrue(json.get("ok").isBoolean() && json.get("ok").booleanValue());
    assertTrue(json.get("files_checked").isIntegralNumber());
    assertEquals(2, json.get("files_checked").intValue());
    assertTrue(json.get("bytes_hashed").isIntegralNumber());
    assertEquals(11 + 4, json.get("bytes_hashed").longValue());
    assertTrue(
        json.get("duration_ms").isIntegralNumber() && json.get("duration_ms").longValue() >= 0);
    assertTrue(json.get("error").isNull());
    assertTrue(json.get("failures").isArray() && json.get("failures").isEmpty());
    assertTrue(json.get("unlisted").isArray() && json.get("unlisted").isEmpty());
  }

  @Test
  void aManifestFileIsATargetToo() throws Exception {
    Path manifest = assets.resolve("source_checksums.json");
    Files.copy(manifest, assets.resolve("other_name.json"));

    Cli byFile = Cli.run("verify", manifest.toString(), "--json");
    Cli byOtherName = Cli.run("verify", "--json", assets.resolve("other_name.json").toString());

    assertEquals(0, byFile.exit(), byFile.toString());
    assertEquals(manifest.toString(), byFile.json().get("manifest").textValue());
    assertEquals(0, byOtherName.exit(), byOtherName.toString());
  }

  @Test
  void exitOneWithEveryFailureKind() throws Exception {
    write("obj_1/asset.glb", "glTF binarY"); // same size, other bytes
    write("obj_2/mesh.bin", "mesh, grown"); // size differs

    Cli run = Cli.run("verify", "--json", assets.toString());

    assertEquals(1, run.exit(), run.toString());
    run.oneErrorLine("scenegate verify: 2 of 2 files failed verification");
    JsonNode json = run.json();
    assertEquals(REPORT_KEYS, keys(json));
    assertEquals(false, json.get("ok").booleanValue());
    assertTrue(json.get("error").isNull());
    JsonNode sha = json.get("failures").get(0);
    assertEquals(FAILURE_KEYS, keys(sha));
    assertEquals("obj_1/asset.glb", sha.get("path").textValue());
    assertEquals("SHA256_MISMATCH", sha.get("kind").textValue());
    assertEquals(sha("glTF binary"), sha.get("expected_sha256").textValue());
    assertEquals(sha("glTF binarY"), sha.get("actual_sha256").textValue());
    assertEquals(11, sha.get("expected_size").longValue());
    assertEquals(11, sha.get("actual_size").longValue());
    JsonNode size = json.get("failures").get(1);
    assertEquals(FAILURE_KEYS, keys(size));
    assertEquals("SIZE_MISMATCH", size.get("kind").textValue());
    assertTrue(size.get("actual_sha256").isNull(), "a size mismatch is not hashed");
    assertEquals(4, size.get("expected_size").longValue());
    assertEquals(11, size.get("actual_size").longValue());
    assertEquals(11, json.get("bytes_hashed").longValue());
  }

  @Test
  void missingFileHasNoActuals() throws Exception {
    Files.delete(assets.resolve("obj_2/mesh.bin"));

    Cli run = Cli.run("verify", "--json", assets.toString());

    assertEquals(1, run.exit());
    JsonNode missing = run.json().get("failures").get(0);
    assertEquals(FAILURE_KEYS, keys(missing));
    assertEquals("MISSING", missing.get("kind").textValue());
    assertEquals(sha("mesh"), missing.get("expected_sha256").textValue());
    assertTrue(missing.get("actual_sha256").isNull());
    assertEquals(4, missing.get("expected_size").longValue());
    assertTrue(missing.get("actual_size").isNull());
  }

  @Test
  void strictListsUnlistedFilesButNeverTheManifestOrDotFiles() throws Exception {
    write("obj_3/new.glb", "new");
    write("obj_1/.done", "");
    write(".usd_complete", "");

    Cli lenient = Cli.run("verify", "--json", assets.toString());
    Cli strict = Cli.run("verify", "--json", "--strict", assets.toString());

    assertEquals(0, lenient.exit(), lenient.toString());
    assertEquals(1, strict.exit(), strict.toString());
    JsonNode json = strict.json();
    assertTrue(json.get("failures").isEmpty());
    assertEquals("[\"obj_3/new.glb\"]", json.get("unlisted").toString());
    strict.oneErrorLine("scenegate verify: 0 of 2 files failed verification, 1 unlisted");
  }

  @Test
  void humanOutputNamesEachFailure() throws Exception {
    write("obj_1/asset.glb", "glTF binarY");
    Files.delete(assets.resolve("obj_2/mesh.bin"));
    write("stray.txt", "x");

    Cli run = Cli.run("verify", assets.toString(), "--strict", "--threads", "1");

    assertEquals(1, run.exit());
    assertTrue(run.out().contains("SHA256_MISMATCH  obj_1/asset.glb"), run.out());
    assertTrue(run.out().contains("MISSING          obj_2/mesh.bin"), run.out());
    assertTrue(run.out().contains("UNLISTED         stray.txt"), run.out());
    run.oneErrorLine("scenegate verify: 2 of 2 files failed verification, 1 unlisted");
  }

  @Test
  void humanOutputOnSuccess() {
    Cli run = Cli.run("verify", assets.toString());
    assertEquals(0, run.exit());
    assertTrue(run.out().startsWith("OK  2 files"), run.out());
    assertEquals("", run.err());
  }

  /** Every exit-2 path: the kind it must report and a fragment of its reason. */
  static Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of("no manifest in folder", "MANIFEST_MISSING", "no manifest at"),
        Arguments.of("no such path", "MANIFEST_MISSING", "no such file or folder"),
        Arguments.of("not JSON", "MANIFEST_INVALID", "not valid JSON"),
        Arguments.of("empty file", "MANIFEST_INVALID", "empty document"),
        Arguments.of("unknown major version", "MANIFEST_INVALID", "unsupported major"),
        Arguments.of("bad digest", "MANIFEST_INVALID", "entry \"obj_1/asset.glb\": sha256"),
        Arguments.of("float size", "MANIFEST_INVALID", "entry \"obj_1/asset.glb\": size_bytes"),
        Arguments.of("duplicate key", "MANIFEST_INVALID", "Duplicate field 'obj_1/asset.glb'"),
        Arguments.of("trailing content", "MANIFEST_INVALID", "not valid JSON"),
        Arguments.of("no files", "MANIFEST_INVALID", "no files"),
        Arguments.of("dot-dot path", "MANIFEST_INVALID", "entry \"../secret\": '..' path segment"),
        Arguments.of("absolute path", "MANIFEST_INVALID", "entry \"/etc/passwd\": absolute path"),
        Arguments.of("symlink out", "MANIFEST_INVALID", "entry \"obj_1/asset.glb\": resolves"),
        Arguments.of("folder as manifest", "MANIFEST_INVALID", "is not a regular file"),
        Arguments.of("missing target", "USAGE", "missing TARGET"),
        // "" would be the current folder: never what was meant.
        Arguments.of("empty target", "USAGE", "empty argument"),
        // Refused before any request, so no network retries.
        Arguments.of("impossible bucket", "USAGE", "invalid bucket name 'goog-scenes'"),
        Arguments.of("two targets", "USAGE", "unexpected argument"),
        Arguments.of("zero threads", "USAGE", "--threads must be between 1 and 256"),
        Arguments.of("huge threads", "USAGE", "--threads must be between 1 and 256"),
        Arguments.of("word threads", "USAGE", "--threads must be a whole number"),
        Arguments.of("threads without value", "USAGE", "--threads needs a value"),
        Arguments.of("unknown option", "USAGE", "unknown option --fast"),
        Arguments.of("value on a flag", "USAGE", "--strict takes no value"));
  }

  /** Sets the case up and returns the arguments after {@code verify} (without --json). */
  private List<String> arrange(String name) throws IOException {
    String target = assets.toString();
    String entry = "{\"sha256\":\"" + sha("glTF binary") + "\",\"size_bytes\":11}";
    switch (name) {
      case "no manifest in folder" -> Files.delete(assets.resolve("source_checksums.json"));
      case "no such path" -> target = assets.resolve("nope").toString();
      case "not JSON" -> writeManifest("obj_1/asset.glb " + sha("glTF binary"));
      case "empty file" -> writeManifest("");
      case "unknown major version" ->
          writeManifest(
              "{\"schema_version\":\"2.0\",\"files\":{\"obj_1/asset.glb\":" + entry + "}}");
      case "bad digest" ->
          writeManifest(
              "{\"schema_version\":\"1.0\",\"files\":{\"obj_1/asset.glb\":"
                  + "{\"sha256\":\"abc\",\"size_bytes\":11}}}");
      case "float size" ->
          writeManifest(
              "{\"schema_version\":\"1.0\",\"files\":{\"obj_1/asset.glb\":"
                  + entry.replace("11}", "11.0}")
                  + "}}");
      case "duplicate key" ->
          writeManifest(
              "{\"schema_version\":\"1.0\",\"files\":{\"obj_1/asset.glb\":"
                  + entry
                  + ",\"obj_1/asset.glb\":"
                  + entry
                  + "}}");
      case "trailing content" ->
          writeManifest(
              "{\"schema_version\":\"1.0\",\"files\":{\"obj_1/asset.glb\":" + entry + "}} {}");
      case "no files" -> writeManifest("{\"schema_version\":\"1.0\",\"files\":{}}");
      case "dot-dot path" ->
          writeManifest(
              "{\"schema_version\":\"1.0\",\"files\":{\"obj_1/asset.glb\":"
                  + entry
                  + ",\"../secret\":"
                  + entry
                  + "}}");
      case "absolute path" ->
          writeManifest("{\"schema_version\":\"1.0\",\"files\":{\"/etc/passwd\":" + entry + "}}");
      case "symlink out" -> {
        Files.writeString(elsewhere.resolve("secret"), "glTF binary");
        Files.delete(assets.resolve("obj_1/asset.glb"));
        Files.createSymbolicLink(assets.resolve("obj_1/asset.glb"), elsewhere.resolve("secret"));
      }
      case "folder as manifest" -> {
        Files.delete(assets.resolve("source_checksums.json"));
        Files.createDirectories(assets.resolve("source_checksums.json"));
      }
      case "missing target" -> {
        return List.of();
      }
      case "empty target" -> {
        return List.of("");
      }
      case "impossible bucket" -> {
        return List.of("gs://goog-scenes/scenes/k1/assets");
      }
      case "two targets" -> {
        return List.of(target, target);
      }
      case "zero threads" -> {
        return List.of(target, "--threads", "0");
      }
      case "huge threads" -> {
        return List.of(target, "--threads=99999999999999999999");
      }
      case "word threads" -> {
        return List.of(target, "--threads", "many");
      }
      case "threads without value" -> {
        return List.of(target, "--threads");
      }
      case "unknown option" -> {
        return List.of(target, "--fast");
      }
      case "value on a flag" -> {
        return List.of(target, "--strict=yes");
      }
      default -> throw new IllegalArgumentException(name);
    }
    return List.of(target);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInput")
  void badInputWithJsonIsExitTwoWithAnErrorObject(String name, String kind, String reason)
      throws Exception {
    List<String> argv = new ArrayList<>(List.of("verify", "--json"));
    argv.addAll(arrange(name));

    Cli run = Cli.run(argv.toArray(String[]::new));

    assertEquals(2, run.exit(), run.toString());
    JsonNode json = run.json();
    assertEquals(REPORT_KEYS, keys(json));
    assertEquals(false, json.get("ok").booleanValue());
    assertEquals(0, json.get("files_checked").intValue());
    assertEquals(0, json.get("bytes_hashed").longValue());
    assertTrue(json.get("failures").isArray() && json.get("failures").isEmpty());
    assertTrue(json.get("unlisted").isArray() && json.get("unlisted").isEmpty());
    JsonNode error = json.get("error");
    assertEquals(List.of("kind", "message"), keys(error));
    assertEquals(kind, error.get("kind").textValue());
    assertTrue(error.get("message").textValue().contains(reason), error.toString());
    String line = run.oneErrorLine("scenegate verify: ");
    assertTrue(line.contains(reason), line);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInput")
  void badInputWithoutJsonIsExitTwoWithOneLineOnStderr(String name, String kind, String reason)
      throws Exception {
    List<String> argv = new ArrayList<>(List.of("verify"));
    argv.addAll(arrange(name));

    Cli run = Cli.run(argv.toArray(String[]::new));

    assertEquals(2, run.exit(), run.toString());
    assertEquals("", run.out());
    assertTrue(run.oneErrorLine("scenegate verify: ").contains(reason), run.err());
  }

  @Test
  void anOptionErrorStillNamesTheTarget() throws Exception {
    Cli run = Cli.run("verify", "--threads", "4", "--json", "--nope", assets.toString());
    assertEquals(2, run.exit());
    assertEquals(assets.toString(), run.json().get("target").textValue());
    assertEquals("USAGE", run.json().get("error").get("kind").textValue());
  }

  @Test
  void helpExitsZero() {
    Cli run = Cli.run("verify", "--help");
    assertEquals(0, run.exit());
    assertTrue(run.out().startsWith("usage: scenegate verify TARGET"), run.out());
    assertTrue(run.out().contains("--strict"));
    assertTrue(Cli.run("help", "verify").out().contains("--threads N"));
  }

  @Test
  void reuseReadsWhatLocalModeOrAnEarlierRunHashedOnlyOnce() throws Exception {
    String[] args = {"verify", assets.toString(), "--json", "--reuse", "--dir", root.toString()};
    Cli first = Cli.run(args);
    assertEquals(0, first.exit(), first.toString());
    long size = first.json().get("bytes_hashed").longValue();
    assertTrue(size > 0);
    assertEquals(0, first.json().get("bytes_reused").longValue());
    assertTrue(
        Files.exists(root.resolve("_scenegate/digests/scenes/kitchen_001/assets/digests.json")),
        "recorded in the ledger local mode uses");

    Cli second = Cli.run(args);
    assertEquals(0, second.exit(), second.toString());
    assertEquals(0, second.json().get("bytes_hashed").longValue());
    assertEquals(size, second.json().get("bytes_reused").longValue());

    // Without --reuse every byte is read, and nothing is recorded.
    Cli plain = Cli.run("verify", assets.toString(), "--json");
    assertEquals(size, plain.json().get("bytes_hashed").longValue());
    assertEquals(0, plain.json().get("bytes_reused").longValue());
  }

  @Test
  void reuseOfACorruptedFileStillFails() throws Exception {
    write("obj_1/asset.glb", "glTF binarY");
    String[] args = {"verify", assets.toString(), "--json", "--reuse", "--dir", root.toString()};
    assertEquals(1, Cli.run(args).exit());
    Cli again = Cli.run(args);
    assertEquals(1, again.exit(), again.toString());
    assertEquals(0, again.json().get("bytes_hashed").longValue());
    assertEquals("SHA256_MISMATCH", again.json().get("failures").get(0).get("kind").textValue());
  }

  @Test
  void reuseArgumentsThatDoNotFitAreUsageErrors() throws Exception {
    Cli noDir = Cli.run("verify", assets.toString(), "--reuse");
    assertEquals(2, noDir.exit());
    assertTrue(noDir.err().contains("--dir"), noDir.err());

    Cli outside = Cli.run("verify", assets.toString(), "--reuse", "--dir", elsewhere.toString());
    assertEquals(2, outside.exit());
    assertTrue(outside.err().contains("not inside --dir"), outside.err());

    Cli dirAlone = Cli.run("verify", assets.toString(), "--dir", root.toString());
    assertEquals(2, dirAlone.exit());
    assertTrue(dirAlone.err().contains("only applies with --reuse"), dirAlone.err());
  }
}
