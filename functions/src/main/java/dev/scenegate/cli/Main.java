package dev.scenegate.cli;

import dev.scenegate.logging.JsonLog;
import dev.scenegate.logging.Severity;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code scenegate <command>}: dispatches to one {@link Command}. Every failure ends in exit code
 * 0/1/2 with a one-line reason on stderr, never a stack trace.
 */
public final class Main {

  private final Map<String, Command> commands = new LinkedHashMap<>();

  public Main(List<Command> commands) {
    for (Command command : commands) {
      this.commands.put(command.name(), command);
    }
  }

  /** The commands of this build, in help order. */
  public static Main standard() {
    return new Main(
        List.of(
            new VerifyCommand(),
            new ManifestCommand(),
            new StatusCommand(),
            new dev.scenegate.fleet.ScenesCommand(),
            new dev.scenegate.fleet.BoardCommand(),
            new CheckCommand(),
            new RegressionCommand(),
            new BackfillCommand(),
            new AlertsCommand(),
            new dev.scenegate.local.LocalCommand(),
            new dev.scenegate.local.DemoCommand(),
            new dev.scenegate.devstack.DevStackCommand()));
  }

  /** The registered commands, in help order. */
  List<Command> commands() {
    return List.copyOf(commands.values());
  }

  public static void main(String[] argv) {
    JsonLog.defaultThreshold(Severity.WARNING);
    boolean debug =
        "DEBUG".equalsIgnoreCase(String.valueOf(System.getenv("SCENEGATE_LOG_LEVEL")).trim());
    // stderr is one line per failure for people: no stack traces unless asked for with DEBUG.
    JsonLog.stackTraces(debug);
    quietLibraryLogging(debug);
    int code = standard().run(Arrays.asList(argv), Console.system());
    System.out.flush();
    System.exit(code);
  }

  /** Held so the configured level sticks (java.util.logging keeps loggers weakly). */
  private static final java.util.logging.Logger JUL_ROOT = java.util.logging.Logger.getLogger("");

  /**
   * Client libraries (gRPC's netty transport, for one) log through java.util.logging, whose console
   * handler writes INFO lines to stderr; a command's stderr is one line per failure. Left alone
   * when SCENEGATE_LOG_LEVEL asks for DEBUG.
   */
  private static void quietLibraryLogging(boolean debug) {
    if (!debug) {
      JUL_ROOT.setLevel(java.util.logging.Level.OFF);
    }
  }

  public int run(List<String> argv, Console console) {
    if (argv.isEmpty()
        || argv.get(0).equals("--help")
        || argv.get(0).equals("-h")
        || argv.get(0).equals("help")) {
      if (argv.size() > 1 && commands.containsKey(argv.get(1))) {
        console.out().print(commands.get(argv.get(1)).help());
        return ExitCodes.OK;
      }
      console.out().print(overview());
      if (argv.isEmpty()) {
        console.err().println("scenegate: missing command (see scenegate --help)");
        return ExitCodes.BAD_INPUT;
      }
      return ExitCodes.OK;
    }
    Command command = commands.get(argv.get(0));
    if (command == null) {
      console
          .err()
          .println(
              "scenegate: unknown command '" + oneLine(argv.get(0)) + "' (see scenegate --help)");
      return ExitCodes.BAD_INPUT;
    }
    List<String> rawArgs = argv.subList(1, argv.size());
    try {
      Args args;
      try {
        args = Args.parse(rawArgs, command.flags(), command.valueOptions());
      } catch (CliException e) {
        return command.rejectArguments(rawArgs, e, console);
      }
      if (args.help()) {
        console.out().print(command.help());
        return ExitCodes.OK;
      }
      return command.run(args, console);
    } catch (CliException e) {
      console.err().println("scenegate " + command.name() + ": " + oneLine(e.getMessage()));
      return e.exitCode();
    } catch (Exception | Error e) {
      console.err().println("scenegate " + command.name() + ": " + oneLine(describe(e)));
      return ExitCodes.BAD_INPUT;
    }
  }

  private String overview() {
    StringBuilder text = new StringBuilder();
    text.append("usage: scenegate <command> [options]\n\n");
    text.append("Verifies checksum manifests and quality reports of a 3D-scene pipeline and\n");
    text.append("advances its per-scene stage gates.\n\ncommands:\n");
    for (Command command : commands.values()) {
      text.append(String.format("  %-10s %s%n", command.name(), command.summary()));
    }
    text.append("\nscenegate <command> --help shows a command's options.\n");
    text.append("exit codes: 0 success, 1 verification or gate failure, 2 bad input or usage.\n");
    return text.toString();
  }

  /**
   * A reason for people. File-system errors carry only a path as their message, so the cause is
   * spelled out ("...: permission denied"); anything else keeps its message, or its type.
   */
  public static String describe(Throwable e) {
    if (e instanceof UncheckedIOException unchecked && unchecked.getCause() != null) {
      return describe(unchecked.getCause());
    }
    if (e instanceof FileSystemException fs) {
      String what = fs.getFile() == null ? "" : fs.getFile();
      if (fs.getOtherFile() != null) {
        what += " -> " + fs.getOtherFile();
      }
      String reason = fs.getReason();
      if (reason == null) {
        reason =
            switch (fs.getClass().getSimpleName()) {
              case "AccessDeniedException" -> "permission denied";
              case "NoSuchFileException" -> "no such file or folder";
              case "NotDirectoryException" -> "not a folder";
              case "DirectoryNotEmptyException" -> "folder not empty";
              case "FileAlreadyExistsException" -> "already exists";
              case "FileSystemLoopException" -> "symlink loop";
              case "NotLinkException" -> "not a symlink";
              default -> "file system error";
            };
      }
      return what.isEmpty() ? reason : what + ": " + reason;
    }
    if (e instanceof InvalidPathException invalid && invalid.getMessage().contains("unmappable")) {
      return "a file name cannot be represented in this locale's charset ("
          + System.getProperty("sun.jnu.encoding")
          + "); run with a UTF-8 locale, e.g. LC_ALL=C.UTF-8";
    }
    if (e instanceof OutOfMemoryError) {
      return "out of memory (" + e.getMessage() + "); raise -Xmx via SCENEGATE_JAVA_OPTS";
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /**
   * Collapses a message onto one line so stderr stays one line per failure. Only line breaks and
   * tabs are touched: spaces are kept, since the text may quote an argument ('kitchen_001 ').
   */
  public static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    return message.replaceAll("^[\\r\\n\\t]+|[\\r\\n\\t]+$", "").replaceAll("[\\r\\n\\t]+", " ");
  }
}
