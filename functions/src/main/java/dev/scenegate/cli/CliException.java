package dev.scenegate.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

  /**
   * The {@code error} object of a command's {@code --json} output: kind and the one-line reason.
   */
  public ObjectNode toJson() {
    ObjectNode error = JsonNodeFactory.instance.objectNode();
    error.put("kind", kind);
    error.put("message", Main.oneLine(getMessage()));
    return error;
  }
}
