package dev.scenegate.cli;

import java.util.List;
import java.util.Set;

/** One CLI command. Implementations are stateless; {@link Main} registers them by name. */
public interface Command {

  String name();

  /** One line for the top-level help. */
  String summary();

  /** The full {@code --help} text: synopsis, options, exit codes. */
  String help();

  /** Options that take no value, without the leading dashes. */
  default Set<String> flags() {
    return Set.of();
  }

  /** Options that take one value. */
  default Set<String> valueOptions() {
    return Set.of();
  }

  /**
   * Reports bad arguments found before {@link #run} (an unknown option, a missing value) and
   * returns the exit code. The default rethrows, so {@link Main} prints the one-line reason; a
   * command with machine-readable output (such as {@code --json}) answers in that format instead.
   */
  default int rejectArguments(List<String> rawArgs, CliException problem, Console console)
      throws CliException {
    throw problem;
  }

  /**
   * Runs the command and returns its exit code ({@link ExitCodes}). Bad input is reported by
   * throwing {@link CliException}; {@link Main} prints its one-line reason.
   */
  int run(Args args, Console console) throws Exception;
}
