package dev.scenegate.cli;

/** "1 file", "2 files": counts as people read them. */
public final class Plural {
  private Plural() {}

  public static String of(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
