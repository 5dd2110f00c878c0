package dev.scenegate.cli;

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
   * Runs the command and returns its exit code ({@link ExitCodes}). Bad input is reported by
   * throwing {@link CliException}; {@link Main} prints its one-line reason.
   */
  int run(Args args, Console console) throws Exception;
}
