package dev.scenegate.testing;

import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh resource names, so tests sharing one emulator never see each other's data. */
public final class UniqueNames {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

  private UniqueNames() {}

  /** A valid bucket name (lowercase, digits, dashes; at most 63 characters). */
  public static String bucket(String hint) {
    return name(hint, 40);
  }

  /** A valid Pub/Sub topic or subscription id (starts with a letter). */
  public static String pubSub(String hint) {
    return name(hint, 100);
  }

  private static String name(String hint, int maxHint) {
    String clean = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    if (clean.isEmpty() || !Character.isLetter(clean.charAt(0))) {
      clean = "t" + clean;
    }
    if (clean.length() > maxHint) {
      clean = clean.substring(0, maxHint);
    }
    return clean + "-" + RUN + "-" + COUNTER.incrementAndGet();
  }
}
