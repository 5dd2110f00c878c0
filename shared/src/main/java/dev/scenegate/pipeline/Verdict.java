package dev.scenegate.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/**
 * The scene's end-to-end verdict: {@code passed} when every stage passed or was skipped, {@code
 * failed} as soon as one failed, {@code running} once anything happened, {@code pending} before.
 */
public enum Verdict {
  PENDING,
  RUNNING,
  PASSED,
  FAILED;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Verdict> fromWireName(String name) {
    for (Verdict verdict : values()) {
      if (verdict.wireName().equals(name)) {
        return Optional.of(verdict);
      }
    }
    return Optional.empty();
  }

  @JsonCreator
  static Verdict fromJson(String name) {
    return fromWireName(name)
        .orElseThrow(() -> new IllegalArgumentException("unknown verdict '" + name + "'"));
  }
}
