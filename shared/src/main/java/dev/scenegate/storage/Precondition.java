package dev.scenegate.storage;

/**
 * A write precondition: {@link #none()}, create-only ({@link #doesNotExist()}), or compare-and-set
 * on the current generation ({@link #generationMatch(long)}).
 */
public record Precondition(Kind kind, long generation) {

  public enum Kind {
    NONE,
    DOES_NOT_EXIST,
    GENERATION_MATCH
  }

  public static Precondition none() {
    return new Precondition(Kind.NONE, 0);
  }

  public static Precondition doesNotExist() {
    return new Precondition(Kind.DOES_NOT_EXIST, 0);
  }

  public static Precondition generationMatch(long generation) {
    return new Precondition(Kind.GENERATION_MATCH, generation);
  }
}
