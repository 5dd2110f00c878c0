package dev.scenegate.events;

import java.util.Locale;
import java.util.Optional;

/**
 * The alert kinds of DESIGN (Events). Every consumer of {@code checksum-alerts} handles all five;
 * only a kind outside this list is poison.
 */
public enum AlertKind {
  /** A stage's checksum manifest did not verify. */
  CHECKSUM_FAILURE,
  /** The backfill found a file that no longer matches its recorded digest. */
  DRIFT,
  /** A stage's quality gate failed. */
  GATE_FAILURE,
  /** A stage {@code running} or {@code waiting} past its deadline. */
  FRESHNESS,
  /** An audit found a verified file replaced, missing or untracked. */
  FIXITY;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<AlertKind> fromWireName(String name) {
    for (AlertKind kind : values()) {
      if (kind.wireName().equals(name)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
