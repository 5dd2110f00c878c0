package dev.scenegate.cli;

/**
 * Ends a command with an exit code and a one-line reason on stderr. {@code kind} names the error
 * class in JSON output ({@code USAGE}, {@code MANIFEST_INVALID}, {@code MANIFEST_MISSING} ...).
 */
public class CliException extends Exception {
  private final int exitCode;
  private final String kind;

  public CliException(int exitCode, String kind, String message) {
    super(message);
    this.exitCode = exitCode;
    this.kind = kind;
  }

  public static CliException usage(String message) {
    return new CliException(ExitCodes.BAD_INPUT, "USAGE", message);
  }

  public int exitCode() {
    return exitCode;
  }

  public String kind() {
    return kind;
  }
}
