package dev.scenegate.backfill;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A read-rate limit such as {@code 50MB/s}. Units: {@code B}, decimal {@code KB MB GB TB} (powers
 * of 1000: 50MB/s is 50 000 000 bytes per second) and binary {@code KiB MiB GiB TiB} (powers of
 * 1024), case-insensitive; the {@code /s} is optional.
 */
public record ByteRate(long bytesPerSecond) {
  private static final Pattern SYNTAX =
      Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgt]i?b|b)?\\s*(?:/\\s*s(?:ec)?)?\\s*");

  public ByteRate {
    if (bytesPerSecond < 1) {
      throw new IllegalArgumentException("a rate must be at least 1 B/s");
    }
  }

  public static ByteRate of(long bytesPerSecond) {
    return new ByteRate(bytesPerSecond);
  }

  /**
   * Parses a rate.
   *
   * @throws IllegalArgumentException with a one-line reason when {@code text} is not a rate
   */
  public static ByteRate parse(String text) {
    Matcher m = SYNTAX.matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a rate: '" + text + "' (examples: 50MB/s, 64MiB/s, 500KB/s, 1GB/s)");
    }
    String unit = m.group(2) == null ? "b" : m.group(2);
    long multiplier =
        switch (unit) {
          case "b" -> 1L;
          case "kb" -> 1_000L;
          case "mb" -> 1_000_000L;
          case "gb" -> 1_000_000_000L;
          case "tb" -> 1_000_000_000_000L;
          case "kib" -> 1L << 10;
          case "mib" -> 1L << 20;
          case "gib" -> 1L << 30;
          case "tib" -> 1L << 40;
          default -> throw new IllegalArgumentException("unknown unit in rate '" + text + "'");
        };
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(multiplier));
    if (bytes.compareTo(BigDecimal.ONE) < 0) {
      throw new IllegalArgumentException("rate '" + text + "' is below 1 B/s");
    }
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("rate '" + text + "' is too large");
    }
    return new ByteRate(bytes.longValue());
  }

  @Override
  public String toString() {
    return bytesPerSecond + " B/s";
  }
}
