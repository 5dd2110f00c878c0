package dev.scenegate.cli;

import java.io.PrintStream;
import java.util.Map;

/** Where a command writes, and the environment it reads: injected so tests can run in-process. */
public record Console(
    PrintStream out, PrintStream err, Map<String, String> env, boolean interactive) {

  public static Console system() {
    return new Console(System.out, System.err, System.getenv(), System.console() != null);
  }

  public String env(String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
