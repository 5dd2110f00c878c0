package dev.scenegate.docs;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * Every shell block that README.md and docs/*.md mark as runnable ({@code ```bash runnable}), run
 * as written with {@code bash -euo pipefail}. Failsafe runs this after {@code package}, so {@code
 * ./scenegate} finds the shaded jar and never builds.
 *
 * <p>Each block gets a fresh folder shaped like a checkout: the {@code scenegate} launcher, {@code
 * functions/target} (a link to this build's), and copies of {@code examples/} and the golden
 * dataset, so a block may change what it finds there. Temporary folders (the demo's included) land
 * in the block's own folder. Blocks marked {@code dev-stack} run in document order against one
 * {@code scenegate dev-stack}, each after the {@code export} line it printed, as the reader pastes
 * it.
 */
class RunnableDocsIT {
  /**
   * How many runnable blocks the pages hold at least. Lower it only when a block stops being
   * runnable on purpose: this keeps the test from passing on pages that lost their marks.
   */
  private static final int MIN_BLOCKS = 27;

  private static final Path TARGET = Path.of("target").toAbsolutePath();
  private static final Path REPO = TARGET.getParent().getParent();
  private static final String JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java").toString();

  /** Variables a block must not inherit from the build: it sets what it needs itself. */
  private static final List<String> CLEARED =
      List.of(
          "STORAGE_EMULATOR_HOST",
          "PUBSUB_EMULATOR_HOST",
          "GOOGLE_CLOUD_PROJECT",
          "PUBSUB_PROJECT_ID",
          "GCLOUD_PROJECT",
          "STAGE_EVENTS_TOPIC",
          "CHECKSUM_ALERTS_TOPIC",
          "SCENEGATE_JAVA_OPTS",
          "SCENEGATE_LOG_LEVEL",
          "BUCKET",
          "PROJECT");

  /** Programs the pages use beside scenegate, as a reader's machine has them. */
  private static final List<String> TOOLS = List.of("bash", "curl", "jq", "openssl");

  @TempDir static Path work;

  private static Process devStack;
  private static String devStackExport;
  private static String devStackMissing;
  private static final List<String> devStackOutput = new ArrayList<>();

  @AfterAll
  static void stopDevStack() throws InterruptedException {
    if (devStack != null) {
      devStack.destroy(); // SIGTERM: its shutdown hook stops the emulators and the invoker
      devStack.waitFor();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyRunnableBlockRunsAsWritten() throws IOException {
    List<String> missing =
        TOOLS.stream().filter(tool -> onPath(tool).isEmpty()).collect(Collectors.toList());
    assertTrue(missing.isEmpty(), "the pages' commands use " + missing + ": install them");
    List<RunnableBlock> blocks = RunnableBlock.in(REPO);
    assertTrue(
        blocks.size() >= MIN_BLOCKS,
        "found " + blocks.size() + " runnable blocks, expected at least " + MIN_BLOCKS);
    return blocks.stream().map(block -> DynamicTest.dynamicTest(block.where(), () -> run(block)));
  }

  /** The runner itself: a block fails on its first failing command, unset variable or pipe. */
  @Test
  void aBlockFailsWhenAnyOfItsCommandsFails() {
    for (String script :
        List.of(
            "./scenegate verify examples/no-such-folder\necho not reached\n",
            "false | cat\n",
            "echo \"$NO_SUCH_VARIABLE\"\n")) {
      assertThrows(
          AssertionFailedError.class,
          () -> run(new RunnableBlock("runner-check.md", 1, false, script)),
          script);
    }
  }

  private static void run(RunnableBlock block) throws IOException, InterruptedException {
    String prelude = "";
    if (block.devStack()) {
      prelude = devStackExport() + "\n";
    }
    Path home = Files.createTempDirectory(work, "block-");
    Path checkout = checkout(home.resolve("repo"));
    Path tmp = Files.createDirectories(home.resolve("tmp"));
    Path script = home.resolve("block.sh");
    Files.writeString(script, prelude + block.script(), StandardCharsets.UTF_8);
    Path output = home.resolve("output.txt");

    ProcessBuilder builder =
        new ProcessBuilder("bash", "-euo", "pipefail", script.toString())
            .directory(checkout.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = builder.environment();
    CLEARED.forEach(env::remove);
    env.put("TMPDIR", tmp.toString());
    env.put("SCENEGATE_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp);
    env.put("PATH", Path.of(JAVA).getParent() + File.pathSeparator + env.get("PATH"));
    int exit;
    try {
      exit = builder.start().waitFor();
    } finally {
      // The link points at this build's target/: unlinked here, so cleaning up never follows it.
      Files.delete(checkout.resolve("functions/target"));
    }
    if (exit != 0) {
      fail(
          block.where()
              + " exited "
              + exit
              + "\n--- block ---\n"
              + prelude
              + block.script()
              + "--- output ---\n"
              + Files.readString(output, StandardCharsets.UTF_8));
    }
  }

  private static Optional<Path> onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, program))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** A folder shaped like a checkout, as far as the pages' commands look. */
  private static Path checkout(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("functions"));
    Files.createSymbolicLink(dir.resolve("functions/target"), TARGET);
    Files.copy(
        REPO.resolve("scenegate"), dir.resolve("scenegate"), StandardCopyOption.COPY_ATTRIBUTES);
    copyTree(REPO.resolve("examples"), dir.resolve("examples"));
    String golden = "shared/src/test/resources/golden";
    copyTree(REPO.resolve(golden), dir.resolve(golden));
    return dir;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  /**
   * The {@code export} line of a running {@code scenegate dev-stack}, started on first use. A
   * missing part (fake-gcs-server, the Pub/Sub emulator) skips the dev-stack blocks with the
   * reason, or fails them under CI=true, as the other integration tests do.
   */
  private static synchronized String devStackExport() throws IOException {
    if (devStackExport != null) {
      return devStackExport;
    }
    if (devStackMissing != null) {
      Assumptions.abort(devStackMissing);
    }
    ProcessBuilder builder =
        new ProcessBuilder(
                JAVA,
                "-jar",
                TARGET.resolve("scenegate.jar").toString(),
                "dev-stack",
                "--log-dir",
                work.resolve("dev-stack-logs").toString())
            .directory(REPO.toFile())
            .redirectErrorStream(true);
    CLEARED.forEach(builder.environment()::remove);
    devStack = builder.start();
    BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(devStack.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = lines.readLine()) != null) {
      devStackOutput.add(line);
      if (line.startsWith("  export ")) {
        devStackExport = line.strip();
        break;
      }
    }
    if (devStackExport == null) {
      String output = String.join("\n", devStackOutput);
      if (!"true".equals(System.getenv("CI")) && output.contains("not found")) {
        devStackMissing = "dev stack part missing, dev-stack blocks skipped: " + output;
        Assumptions.abort(devStackMissing);
      }
      fail("scenegate dev-stack did not come up:\n" + output);
    }
    // Keep reading, so the stack never blocks on a full pipe.
    Thread drain =
        new Thread(
            () -> {
              try {
                while (lines.readLine() != null) {
                  // discarded: the parts' logs are in dev-stack-logs
                }
              } catch (IOException e) {
                // the stack stopped
              }
            },
            "dev-stack-output");
    drain.setDaemon(true);
    drain.start();
    return devStackExport;
  }
}
