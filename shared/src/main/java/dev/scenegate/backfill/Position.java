package dev.scenegate.backfill;

import java.util.Comparator;
import java.util.Objects;

/** A point in the processing order: everything at or before it is done. */
public record Position(ArtifactType type, String name) implements Comparable<Position> {
  private static final Comparator<Position> ORDER =
      Comparator.comparing(Position::type).thenComparing(Position::name);

  public Position {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
  }

  public static Position of(ArtifactType type, String name) {
    return new Position(type, name);
  }

  @Override
  public int compareTo(Position other) {
    return ORDER.compare(this, other);
  }
}
