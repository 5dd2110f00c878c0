package dev.scenegate.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.logging.Severity;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code scenegate <command>}: parses the arguments of one {@link CliCommand} with picocli and runs
 * it. Every failure ends in exit code 0/1/2 with a one-line reason on stderr, never a stack trace;
 * a command given {@code --json} answers bad arguments in JSON too.
 */
public final class Main {

  private final Map<String, Supplier<CliCommand>> commands = new LinkedHashMap<>();

  /**
   * @param commands one factory per command: each invocation parses into a fresh instance
   */
  public Main(List<Supplier<CliCommand>> commands) {
    for (Supplier<CliCommand> command : commands) {
      this.commands.put(declaration(command.get()).name(), command);
    }
  }

  /** The commands of this build, in help order: the one place a command is registered. */
  public static Main standard() {
    return new Main(
        List.of(
            VerifyCommand::new,
            ManifestCommand::new,
            StatusCommand::new,
            dev.scenegate.fleet.ScenesCommand::new,
            dev.scenegate.fleet.BoardCommand::new,
            CheckCommand::new,
            RegressionCommand::new,
            BackfillCommand::new,
            dev.scenegate.sweep.ReconcileCommand::new,
            dev.scenegate.sweep.RedriveCommand::new,
            dev.scenegate.sweep.SweepCommand::new,
            dev.scenegate.audit.AuditCommand::new,
            AlertsCommand::new,
            dev.scenegate.local.LocalCommand::new,
            dev.scenegate.local.DemoCommand::new,
            dev.scenegate.devstack.DevStackCommand::new));
  }

  /** The registered commands' declarations (name, options, help), in help order. */
  public List<CommandSpec> commands() {
    List<CommandSpec> specs = new ArrayList<>();
    for (Supplier<CliCommand> command : commands.values()) {
      specs.add(spec(command.get()));
    }
    return specs;
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
    if (argv.isEmpty()) {
      console.out().print(overview());
      console.err().println("scenegate: missing command (see scenegate --help)");
      return ExitCodes.BAD_INPUT;
    }
    String first = argv.get(0);
    if (first.equals("--help") || first.equals("-h") || first.equals("help")) {
      if (argv.size() > 1 && commands.containsKey(argv.get(1))) {
        console.out().print(usage(commandLine(commands.get(argv.get(1)).get())));
        return ExitCodes.OK;
      }
      console.out().print(overview());
      return ExitCodes.OK;
    }
    if (first.equals("--version") || first.equals("-V")) {
      console.out().println("scenegate " + version());
      return ExitCodes.OK;
    }
    Supplier<CliCommand> factory = commands.get(first);
    if (factory == null) {
      console.err().println("scenegate: " + unknownCommand(first) + "(see scenegate --help)");
      return ExitCodes.BAD_INPUT;
    }
    CliCommand command = factory.get();
    CommandLine line = commandLine(command);
    String name = line.getCommandName();
    List<String> args = argv.subList(1, argv.size());
    boolean json = asksForJson(args);
    command.console(console);
    try {
      try {
        rejectEmptyArguments(line.getCommandSpec(), args);
        line.parseArgs(args.toArray(String[]::new));
      } catch (ParameterException e) {
        throw CliException.usage(reason(line.getCommandSpec(), args, e));
      }
      if (command.helpRequested) {
        console.out().print(usage(line));
        return ExitCodes.OK;
      }
      return command.run();
    } catch (CliException e) {
      ObjectNode answer = json ? command.jsonFailure(e) : null;
      if (answer != null) {
        console.out().println(answer);
      }
      console.err().println("scenegate " + name + ": " + oneLine(e.getMessage()));
      return e.exitCode();
    } catch (Exception | Error e) {
      console.err().println("scenegate " + name + ": " + oneLine(describe(e)));
      return ExitCodes.BAD_INPUT;
    }
  }

  /** The build's version, from the jar's manifest ("dev" when run from classes). */
  static String version() {
    String version = Main.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /**
   * The command's annotation as written: name and summary without building its parser (picocli's
   * model of all commands costs a good part of a second at start-up; one is built per run).
   */
  private static Command declaration(CliCommand command) {
    Command declared = command.getClass().getAnnotation(Command.class);
    if (declared == null) {
      throw new IllegalStateException(command.getClass() + " lacks @Command");
    }
    return declared;
  }

  private static CommandSpec spec(CliCommand command) {
    return commandLine(command).getCommandSpec();
  }

  /** A command's parser, with the help layout and parsing rules every command shares. */
  private static CommandLine commandLine(CliCommand command) {
    CommandLine line = new CommandLine(command);
    // "@file" is a path like any other here, never a file of arguments to expand.
    line.setExpandAtFiles(false);
    line.setUsageHelpWidth(HELP_WIDTH);
    line.setUsageHelpLongOptionsMaxWidth(28);
    line.setHelpSectionKeys(HELP_SECTIONS);
    CommandSpec spec = line.getCommandSpec();
    // Text blocks end in a line break; the headings already separate the sections.
    spec.usageMessage().description(trimmed(spec.usageMessage().description()));
    spec.usageMessage().footer(trimmed(spec.usageMessage().footer()));
    spec.usageMessage()
        .synopsisHeading("usage: ")
        .headerHeading("%n")
        .descriptionHeading("%n")
        .parameterListHeading("%n")
        .optionListHeading("%noptions:%n")
        .footerHeading("%n")
        .sortOptions(false)
        .abbreviateSynopsis(false);
    return line;
  }

  private static final int HELP_WIDTH = 100;

  private static String[] trimmed(String[] lines) {
    String[] result = lines.clone();
    for (int i = 0; i < result.length; i++) {
      result[i] = result[i].replaceAll("\\n+$", "");
    }
    return result;
  }

  /** Synopsis first, then the summary line: "usage: scenegate NAME ..." opens every help. */
  private static final List<String> HELP_SECTIONS =
      List.of(
          UsageMessageSpec.SECTION_KEY_SYNOPSIS_HEADING,
          UsageMessageSpec.SECTION_KEY_SYNOPSIS,
          UsageMessageSpec.SECTION_KEY_HEADER_HEADING,
          UsageMessageSpec.SECTION_KEY_HEADER,
          UsageMessageSpec.SECTION_KEY_DESCRIPTION_HEADING,
          UsageMessageSpec.SECTION_KEY_DESCRIPTION,
          UsageMessageSpec.SECTION_KEY_PARAMETER_LIST_HEADING,
          UsageMessageSpec.SECTION_KEY_PARAMETER_LIST,
          UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING,
          UsageMessageSpec.SECTION_KEY_OPTION_LIST,
          UsageMessageSpec.SECTION_KEY_FOOTER_HEADING,
          UsageMessageSpec.SECTION_KEY_FOOTER);

  /**
   * A command's help. Values are shown as "--threads N" (parsing takes "--threads N" and
   * "--threads=N"), and the synopsis names the parameters first, as people write the command:
   * "usage: scenegate verify TARGET [--json] ...". A command whose options go together in a way the
   * declarations do not say (one of --bucket or --dir) states its own synopsis.
   */
  private static String usage(CommandLine line) {
    CommandSpec spec = line.getCommandSpec();
    line.setSeparator(" ");
    if (spec.usageMessage().customSynopsis().length == 0) {
      spec.usageMessage().customSynopsis(synopsis(spec));
    }
    String text = line.getUsageMessage(CommandLine.Help.Ansi.OFF);
    return text.endsWith("\n") ? text : text + "\n";
  }

  /** "scenegate NAME PARAM [--flag] [--option VALUE] ...", wrapped under the name. */
  private static String synopsis(CommandSpec spec) {
    List<String> words = new ArrayList<>();
    for (var parameter : spec.positionalParameters()) {
      words.add(
          parameter.arity().min() > 0
              ? parameter.paramLabel()
              : "[" + parameter.paramLabel() + "]");
    }
    for (OptionSpec option : spec.options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      String word =
          option.arity().max() > 0
              ? option.longestName() + " " + option.paramLabel()
              : option.longestName();
      words.add(option.required() ? word : "[" + word + "]");
    }
    String head = "scenegate " + spec.name();
    String indent = " ".repeat("usage: ".length() + head.length());
    StringBuilder text = new StringBuilder(head);
    int column = "usage: ".length() + head.length();
    for (String word : words) {
      if (column + 1 + word.length() > HELP_WIDTH) {
        text.append("%n").append(indent);
        column = indent.length();
      }
      text.append(' ').append(word);
      column += 1 + word.length();
    }
    return text.toString();
  }

  private String overview() {
    StringBuilder text = new StringBuilder();
    text.append("usage: scenegate <command> [options]\n\n");
    text.append("Verifies checksum manifests and quality reports of a 3D-scene pipeline and\n");
    text.append("advances its per-scene stage gates.\n\ncommands:\n");
    for (Supplier<CliCommand> command : commands.values()) {
      Command declared = declaration(command.get());
      String[] header = declared.header();
      text.append(
          String.format("  %-10s %s%n", declared.name(), header.length == 0 ? "" : header[0]));
    }
    text.append("\nscenegate <command> --help shows a command's options;");
    text.append(" scenegate --version its version.\n");
    text.append("exit codes: 0 success, 1 verification or gate failure, 2 bad input or usage.\n");
    return text.toString();
  }

  /** "unknown command 'verfy' (did you mean verify?)": picocli's suggestions, on one line. */
  private String unknownCommand(String given) {
    if (given.startsWith("-")) {
      return "unknown option " + oneLine(given) + " ";
    }
    List<String> close = new ArrayList<>();
    for (String name : commands.keySet()) {
      if (closeTo(given, name)) {
        close.add(name);
      }
    }
    return "unknown command '"
        + oneLine(given)
        + "' "
        + (close.isEmpty() ? "" : "- did you mean " + String.join(" or ", close) + "? ");
  }

  /** A typo of {@code name}: a prefix of it, or at most two edits away. */
  private static boolean closeTo(String given, String name) {
    if (given.length() >= 3 && name.startsWith(given)) {
      return true;
    }
    return editDistance(given.toLowerCase(java.util.Locale.ROOT), name) <= 2;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** {@code --json} among the options: bad arguments are then answered in JSON as well. */
  private static boolean asksForJson(List<String> args) {
    for (String arg : args) {
      if (arg.equals("--")) {
        return false;
      }
      if (arg.equals("--json")) {
        return true;
      }
    }
    return false;
  }

  /**
   * An empty string is never a value: as a path it would silently mean the current folder, as an id
   * nothing. Checked before parsing, so nothing is read, written or dialled.
   */
  private static void rejectEmptyArguments(CommandSpec spec, List<String> args)
      throws CliException {
    boolean optionsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!optionsEnded && arg.equals("--")) {
        optionsEnded = true;
      } else if (arg.isEmpty()) {
        OptionSpec before = i == 0 || optionsEnded ? null : valueOption(spec, args.get(i - 1));
        throw CliException.usage(
            before == null
                ? "empty argument \"\" (give a value)"
                : before.longestName() + " needs a value, got an empty string");
      } else if (!optionsEnded && arg.startsWith("--") && arg.endsWith("=")) {
        throw CliException.usage(
            arg.substring(0, arg.length() - 1) + " needs a value, got an empty string");
      } else if (!optionsEnded && arg.startsWith("--") && arg.contains("=")) {
        OptionSpec flag = spec.findOption(arg.substring(0, arg.indexOf('=')));
        if (flag != null && flag.arity().max() == 0) {
          throw CliException.usage(flag.longestName() + " takes no value");
        }
      }
    }
  }

  /** The option {@code arg} names when it takes a value and has none attached, else null. */
  private static OptionSpec valueOption(CommandSpec spec, String arg) {
    if (!arg.startsWith("-") || arg.contains("=")) {
      return null;
    }
    OptionSpec option = spec.findOption(arg);
    return option != null && option.arity().max() > 0 ? option : null;
  }

  /**
   * picocli's complaint in scenegate's words: "unknown option --x", "unexpected argument 'x'",
   * "missing TARGET", "--threads needs a value", "--out given twice". An unknown option is named
   * first even when a required parameter is missing too: it is the likelier mistake.
   */
  private static String reason(CommandSpec spec, List<String> args, ParameterException e) {
    String unknown = firstUnknownOption(spec, args);
    if (unknown != null) {
      String hint = "";
      if (e instanceof UnmatchedArgumentException unmatched
          && !unmatched.getSuggestions().isEmpty()) {
        hint = " (did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?)";
      }
      return "unknown option " + oneLine(unknown) + hint;
    }
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      return "unexpected argument '" + oneLine(unmatched.getUnmatched().get(0)) + "'";
    }
    if (e instanceof MissingParameterException missing && !missing.getMissing().isEmpty()) {
      ArgSpec what = missing.getMissing().get(0);
      return what instanceof OptionSpec option
          ? option.longestName() + " needs a value"
          : "missing " + what.paramLabel();
    }
    if (e instanceof OverwrittenOptionException overwritten
        && overwritten.getOverwritten() instanceof OptionSpec option) {
      return option.longestName() + " given twice";
    }
    String message = oneLine(e.getMessage());
    return message.isEmpty()
        ? "bad arguments"
        : Character.toLowerCase(message.charAt(0)) + message.substring(1);
  }

  /** The first argument that looks like an option this command does not declare, or null. */
  private static String firstUnknownOption(CommandSpec spec, List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--")) {
        return null;
      }
      if (!arg.startsWith("-") || arg.equals("-")) {
        continue;
      }
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      OptionSpec option = spec.findOption(name);
      if (option == null) {
        return name;
      }
      if (option.arity().max() > 0 && !arg.contains("=")) {
        i++; // its value, which may well start with '-'
      }
    }
    return null;
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
