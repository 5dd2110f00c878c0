package dev.scenegate.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/** A stage's status. Only {@code pending} is never published: it is where every stage starts. */
public enum StageStatus {
  PENDING,
  WAITING,
  RUNNING,
  PASSED,
  FAILED,
  SKIPPED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Passed or skipped: a dependent stage may be evaluated. */
  public boolean satisfies() {
    return this == PASSED || this == SKIPPED;
  }

  /** A status a marker's evaluation settled (passed or failed). */
  public boolean decided() {
    return this == PASSED || this == FAILED;
  }

  public static Optional<StageStatus> fromWireName(String name) {
    for (StageStatus status : values()) {
      if (status.wireName().equals(name)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }

  @JsonCreator
  static StageStatus fromJson(String name) {
    return fromWireName(name)
        .orElseThrow(() -> new IllegalArgumentException("unknown status '" + name + "'"));
  }
}
