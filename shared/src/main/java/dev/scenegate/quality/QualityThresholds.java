package dev.scenegate.quality;

import java.util.Map;
import java.util.Set;

/**
 * Thresholds of the production runbook (seed 002), configurable through environment variables named
 * after the runbook's: {@code MIN_QUALITY_SCORE}, {@code MIN_PASS_RATE}, {@code MIN_AVERAGE_SCORE}.
 * Defaults are the runbook's values.
 */
public record QualityThresholds(
    double minPassRate, double minAverageScore, double minQualityScore, Set<String> acceptedUses) {

  public static final double DEFAULT_MIN_PASS_RATE = 0.90;
  public static final double DEFAULT_MIN_AVERAGE_SCORE = 0.85;
  public static final double DEFAULT_MIN_QUALITY_SCORE = 0.85;

  public QualityThresholds {
    acceptedUses = Set.copyOf(acceptedUses);
  }

  public static QualityThresholds defaults() {
    return new QualityThresholds(
        DEFAULT_MIN_PASS_RATE,
        DEFAULT_MIN_AVERAGE_SCORE,
        DEFAULT_MIN_QUALITY_SCORE,
        Set.of("production_training", "fine_tuning"));
  }

  /** Reads overrides from {@code env}; a malformed value is a configuration error. */
  public static QualityThresholds fromEnv(Map<String, String> env) {
    QualityThresholds d = defaults();
    return new QualityThresholds(
        number(env, "MIN_PASS_RATE", d.minPassRate()),
        number(env, "MIN_AVERAGE_SCORE", d.minAverageScore()),
        number(env, "MIN_QUALITY_SCORE", d.minQualityScore()),
        d.acceptedUses());
  }

  private static double number(Map<String, String> env, String name, double fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      double parsed = Double.parseDouble(value.trim());
      if (!(parsed >= 0 && parsed <= 1)) {
        throw new IllegalArgumentException(name + " must be between 0 and 1, got " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
    }
  }
}
