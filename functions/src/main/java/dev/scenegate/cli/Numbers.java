package dev.scenegate.cli;

/** Whole-number options, checked with a reason that names the option. */
public final class Numbers {
  private Numbers() {}

  /**
   * {@code value} as an integer in 1..max, or {@code fallback} when the option was not given.
   *
   * @param option the option as written ("--threads")
   */
  public static int positiveInt(String option, String value, int fallback, int max)
      throws CliException {
    if (value == null) {
      return fallback;
    }
    String shown = Main.oneLine(value);
    if (!value.matches("[+-]?[0-9]+")) {
      throw CliException.usage(option + " must be a whole number, got '" + shown + "'");
    }
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      parsed = value.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE; // too many digits
    }
    if (parsed < 1 || parsed > max) {
      throw CliException.usage(option + " must be between 1 and " + max + ", got " + shown);
    }
    return (int) parsed;
  }
}
