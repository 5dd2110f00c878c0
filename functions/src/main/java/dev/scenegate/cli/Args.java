package dev.scenegate.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command-line arguments. Options are {@code --name}, {@code --name value} or {@code
 * --name=value}; everything else is positional; {@code --} ends options. Only declared options are
 * accepted, so a typo is a usage error rather than a silently ignored flag. An empty string is
 * never a value: as a path it would silently mean the current folder.
 */
public final class Args {
  private final List<String> positional;
  private final Map<String, String> values;
  private final Set<String> flags;
  private final boolean help;

  private Args(
      List<String> positional, Map<String, String> values, Set<String> flags, boolean help) {
    this.positional = positional;
    this.values = values;
    this.flags = flags;
    this.help = help;
  }

  /**
   * @param booleanFlags options that take no value (without the leading dashes)
   * @param valueOptions options that take one value
   */
  public static Args parse(List<String> raw, Set<String> booleanFlags, Set<String> valueOptions)
      throws CliException {
    List<String> positional = new ArrayList<>();
    Map<String, String> values = new HashMap<>();
    Set<String> flags = new HashSet<>();
    boolean help = false;
    boolean optionsEnded = false;
    for (int i = 0; i < raw.size(); i++) {
      String arg = raw.get(i);
      if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
        if (arg.isEmpty()) {
          // An empty path would mean the current folder, an empty id nothing: never what was meant.
          throw CliException.usage("empty argument \"\" (give a value)");
        }
        positional.add(arg);
        continue;
      }
      if (arg.equals("--")) {
        optionsEnded = true;
        continue;
      }
      if (arg.equals("--help") || arg.equals("-h")) {
        help = true;
        continue;
      }
      if (!arg.startsWith("--")) {
        throw CliException.usage("unknown option " + arg);
      }
      String name = arg.substring(2);
      String inline = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (booleanFlags.contains(name)) {
        if (inline != null) {
          throw CliException.usage("--" + name + " takes no value");
        }
        flags.add(name);
      } else if (valueOptions.contains(name)) {
        String value = inline;
        if (value == null) {
          if (i + 1 >= raw.size()) {
            throw CliException.usage("--" + name + " needs a value");
          }
          value = raw.get(++i);
        }
        if (value.isEmpty()) {
          throw CliException.usage("--" + name + " needs a value, got an empty string");
        }
        if (values.containsKey(name)) {
          throw CliException.usage("--" + name + " given twice");
        }
        values.put(name, value);
      } else {
        throw CliException.usage("unknown option --" + name);
      }
    }
    return new Args(List.copyOf(positional), Map.copyOf(values), Set.copyOf(flags), help);
  }

  public boolean help() {
    return help;
  }

  public List<String> positional() {
    return positional;
  }

  public boolean flag(String name) {
    return flags.contains(name);
  }

  public String value(String name) {
    return values.get(name);
  }

  public String value(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  /** A positive integer option, or {@code fallback} when absent. */
  public int positiveInt(String name, int fallback, int max) throws CliException {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    String shown = Main.oneLine(value);
    if (!value.matches("[+-]?[0-9]+")) {
      throw CliException.usage("--" + name + " must be a whole number, got '" + shown + "'");
    }
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      parsed = value.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE; // too many digits
    }
    if (parsed < 1 || parsed > max) {
      throw CliException.usage("--" + name + " must be between 1 and " + max + ", got " + shown);
    }
    return (int) parsed;
  }

  /** Exactly {@code count} positional arguments, or a usage error naming {@code what}. */
  public List<String> expectPositional(int count, String what) throws CliException {
    if (positional.size() < count) {
      throw CliException.usage("missing " + what);
    }
    if (positional.size() > count) {
      throw CliException.usage("unexpected argument '" + positional.get(count) + "'");
    }
    return positional;
  }
}
