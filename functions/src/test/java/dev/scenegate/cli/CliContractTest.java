package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command-line contract every command shares (DESIGN "Command line"): {@code --help} exits 0
 * and documents every option; bad arguments exit 2 with exactly one line on stderr naming the
 * problem, never a stack trace, and before anything is read, written or dialled. Runs in-process.
 */
class CliContractTest {
  /** Stands for a folder that exists in argument tables. */
  private static final String DIR = "{dir}";

  @TempDir Path dir;

  static Stream<String> commandNames() {
    return Main.standard().commands().stream().map(CommandSpec::name);
  }

  private static CommandSpec command(String name) {
    return Main.standard().commands().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** The words before a command's options ("alerts" has a subcommand). */
  private static List<String> invocation(String name) {
    return name.equals("alerts") ? List.of("alerts", "tail") : List.of(name);
  }

  private Cli run(String... argv) {
    List<String> args = new ArrayList<>();
    for (String arg : argv) {
      args.add(arg.replace(DIR, dir.toString()));
    }
    return Cli.run(args.toArray(String[]::new));
  }

  /** Exit 2, nothing but one "scenegate CMD: ..." line on stderr, holding {@code reason}. */
  private static void assertBadInput(Cli run, String command, String reason) {
    assertEquals(2, run.exit(), run.toString());
    String line = run.oneErrorLine("scenegate " + command + ": ");
    assertTrue(line.contains(reason), "expected '" + reason + "' in: " + line);
    assertFalse(run.out().contains("Exception"), run.out());
  }

  @ParameterizedTest(name = "{0} --help")
  @MethodSource("commandNames")
  void helpExitsZeroAndDocumentsEveryOption(String name) {
    CommandSpec command = command(name);
    List<String> argv = new ArrayList<>(invocation(name));
    argv.add("--help");

    Cli run = Cli.run(argv.toArray(String[]::new));

    assertEquals(0, run.exit(), run.toString());
    assertEquals("", run.err());
    assertTrue(run.out().startsWith("usage: scenegate " + name), run.out());
    assertTrue(run.out().contains("exit codes"), run.out());
    TreeSet<String> options = new TreeSet<>();
    command.options().forEach(option -> options.add(option.longestName()));
    for (String option : options) {
      assertTrue(run.out().contains(option), name + " --help does not document " + option);
    }
    assertEquals(run.out(), Cli.run("help", name).out(), "scenegate help " + name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commandNames")
  void anUnknownOptionIsRejectedBeforeAnythingRuns(String name) {
    List<String> argv = new ArrayList<>(invocation(name));
    argv.add("--no-such-option");

    assertBadInput(Cli.run(argv.toArray(String[]::new)), name, "unknown option --no-such-option");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commandNames")
  void aShortOptionNobodyDeclaredIsRejected(String name) {
    List<String> argv = new ArrayList<>(invocation(name));
    argv.add("-x");

    assertBadInput(Cli.run(argv.toArray(String[]::new)), name, "unknown option -x");
  }

  /** Argument lists with a positional too many (or too few), and the reason expected. */
  static Stream<Arguments> wrongPositionals() {
    return Stream.of(
        Arguments.of(List.of("verify", DIR, "extra"), "unexpected argument 'extra'"),
        Arguments.of(List.of("verify"), "missing TARGET"),
        Arguments.of(List.of("manifest", DIR, "extra"), "unexpected argument 'extra'"),
        Arguments.of(List.of("manifest"), "missing DIR"),
        Arguments.of(List.of("check", "k1", "extra", "--dir", DIR), "unexpected argument"),
        Arguments.of(List.of("check", "--dir", DIR), "missing SCENE_ID"),
        Arguments.of(List.of("status", "k1", "extra", "--dir", DIR), "unexpected argument"),
        Arguments.of(List.of("status", "--dir", DIR), "missing SCENE_ID"),
        Arguments.of(List.of("regression", "extra", "--dataset-dir", DIR), "unexpected argument"),
        Arguments.of(List.of("backfill", DIR, "extra"), "unexpected argument 'extra'"),
        Arguments.of(List.of("backfill"), "missing TARGET"),
        Arguments.of(List.of("alerts", "tail", "extra", "--subscription", "s"), "unexpected"),
        Arguments.of(List.of("alerts"), "missing subcommand"),
        Arguments.of(List.of("local", DIR, "extra", "--once"), "unexpected argument 'extra'"),
        Arguments.of(List.of("local", "--once"), "missing DIR"),
        Arguments.of(List.of("demo", "extra"), "unexpected argument 'extra'"),
        Arguments.of(List.of("dev-stack", "extra"), "unexpected argument 'extra'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongPositionals")
  void wrongPositionalsAreUsageErrors(List<String> argv, String reason) {
    assertBadInput(run(argv.toArray(String[]::new)), argv.get(0), reason);
  }

  /** An empty string is never a path or an id: as a path it would mean the current folder. */
  static Stream<List<String>> emptyArguments() {
    return Stream.of(
        List.of("verify", ""),
        List.of("manifest", ""),
        List.of("manifest", DIR, "--out", ""),
        List.of("manifest", DIR, "--out="),
        List.of("check", "", "--dir", DIR),
        List.of("check", "k1", "--dir", ""),
        List.of("status", "k1", "--dir", ""),
        List.of("status", "k1", "--dir", DIR, "--state-prefix", ""),
        List.of("regression", "--dataset-dir", ""),
        List.of("backfill", ""),
        List.of("backfill", DIR, "--checkpoint", ""),
        List.of("local", "", "--once"),
        List.of("alerts", "tail", "--subscription", ""),
        List.of("dev-stack", "--log-dir", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("emptyArguments")
  void anEmptyArgumentIsAUsageErrorAndTouchesNothing(List<String> argv) throws Exception {
    Path cwd = Path.of("").toAbsolutePath();
    boolean manifestBefore = Files.exists(cwd.resolve("source_checksums.json"));
    boolean stateBefore = Files.exists(cwd.resolve("_scenegate"));

    Cli run = run(argv.toArray(String[]::new));

    assertEquals(2, run.exit(), run.toString());
    assertTrue(run.oneErrorLine("scenegate " + argv.get(0) + ": ").contains("empty"), run.err());
    assertEquals(manifestBefore, Files.exists(cwd.resolve("source_checksums.json")));
    assertEquals(stateBefore, Files.exists(cwd.resolve("_scenegate")));
    try (var listing = Files.list(dir)) {
      assertEquals(0, listing.count(), "nothing written into " + dir);
    }
  }

  @Test
  void anEmptyTargetWithJsonStillAnswersInJson() throws Exception {
    Cli run = Cli.run("verify", "", "--json");
    assertEquals(2, run.exit(), run.toString());
    assertEquals("USAGE", run.json().get("error").get("kind").textValue());
    run.oneErrorLine("scenegate verify: empty argument");
  }

  /** Every numeric option of every command, with values that are not a usable count. */
  static Stream<Arguments> badNumbers() {
    List<Arguments> cases = new ArrayList<>();
    for (String value : List.of("0", "-1", "abc", "99999999999", "1.5", "0x10", " 4")) {
      cases.add(Arguments.of(List.of("verify", DIR, "--threads", value), "--threads"));
      cases.add(Arguments.of(List.of("manifest", DIR, "--threads", value), "--threads"));
      cases.add(Arguments.of(List.of("backfill", DIR, "--threads", value), "--threads"));
      cases.add(
          Arguments.of(
              List.of("backfill", DIR, "--checkpoint-every", value), "--checkpoint-every"));
      cases.add(Arguments.of(List.of("backfill", DIR, "--stop-after", value), "--stop-after"));
      // checked before the subscription is resolved or Pub/Sub is dialled
      cases.add(
          Arguments.of(List.of("alerts", "tail", "--subscription", "s", "--max", value), "--max"));
      cases.add(
          Arguments.of(
              List.of("alerts", "tail", "--subscription", "s", "--wait", value), "--wait"));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badNumbers")
  void badNumbersAreUsageErrorsNamingTheOption(List<String> argv, String option) {
    assertBadInput(run(argv.toArray(String[]::new)), argv.get(0), option + " must be");
  }

  @ParameterizedTest(name = "{0} ''{1}''")
  @MethodSource("badSceneIds")
  void badSceneIdsAreUsageErrorsQuotedExactly(String command, String sceneId) {
    Cli run = run(command, "--dir", DIR, "--", sceneId);
    // Quoted as given: a trailing space must show, or the message makes no sense.
    assertBadInput(run, command, "invalid scene id '" + sceneId + "'");
  }

  static Stream<Arguments> badSceneIds() {
    List<Arguments> cases = new ArrayList<>();
    for (String command : List.of("check", "status")) {
      for (String id :
          List.of(
              "../x",
              "a/b",
              "x".repeat(129),
              "-x",
              ".x",
              "_x",
              "é",
              "kitchen_001 ",
              " kitchen_001",
              "a\\b")) {
        cases.add(Arguments.of(command, id));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest
  @ValueSource(strings = {"check", "status"})
  void aSceneIdThatLooksLikeAnOptionIsAnUnknownOption(String command) {
    assertBadInput(run(command, "-x", "--dir", DIR), command, "unknown option -x");
  }

  @ParameterizedTest
  @ValueSource(strings = {"check", "status"})
  void aNonExistentFolderIsBadInput(String command) {
    assertBadInput(
        run(command, "k1", "--dir", DIR + "/nope"), command, "no such folder: " + dir + "/nope");
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    Cli run = Cli.run("verfy", "x");
    assertEquals(2, run.exit());
    run.oneErrorLine("scenegate: unknown command 'verfy'");
  }

  @Test
  void everyCommandIsListedInTheOverview() {
    Cli run = Cli.run("--help");
    assertEquals(0, run.exit());
    commandNames().forEach(name -> assertTrue(run.out().contains("  " + name + " "), name));
  }
}
