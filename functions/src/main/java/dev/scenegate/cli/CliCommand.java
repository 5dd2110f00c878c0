package dev.scenegate.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/**
 * One CLI command: a picocli {@code @Command} class whose options and parameters are annotated
 * fields, declared once; {@code --help} is generated from them. {@link Main#standard} registers
 * every command in one list. A fresh instance parses each invocation, then {@link Main} calls
 * {@link #run}.
 *
 * <p>Conventions: a summary line as the {@code @Command} header, prose as its description, the
 * environment and exit codes in the footer; every exit code is {@link ExitCodes}; bad input is
 * thrown as {@link CliException}, whose one-line reason {@link Main} prints.
 */
public abstract class CliCommand {

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "show this help and exit")
  boolean helpRequested;

  private Console console;

  /** Where the command writes and the environment it reads; set by {@link Main} before run. */
  protected final Console console() {
    return console;
  }

  final void console(Console console) {
    this.console = console;
  }

  /** Runs the command on its parsed fields and returns its exit code ({@link ExitCodes}). */
  protected abstract int run() throws Exception;

  /**
   * With {@code --json}, the one JSON object printed on stdout when the command ends with {@code e}
   * (bad arguments included, when parsing stopped before run). The fields hold what was parsed so
   * far and may be null. Commands without JSON output keep the default: nothing on stdout.
   */
  protected ObjectNode jsonFailure(CliException e) {
    return null;
  }
}
