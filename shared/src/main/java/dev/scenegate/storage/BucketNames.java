package dev.scenegate.storage;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Cloud Storage's bucket naming rules, checked before any request: a name the service can never
 * accept is bad input, not a reason to wait for retries against the network.
 */
public final class BucketNames {
  private static final Pattern CHARACTERS = Pattern.compile("[a-z0-9][a-z0-9._-]*[a-z0-9]");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private BucketNames() {}

  /** Empty when {@code name} is a valid bucket name; otherwise the rule it breaks. */
  public static Optional<String> problem(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.of("no bucket name");
    }
    if (!CHARACTERS.matcher(name).matches()) {
      return Optional.of(
          "a bucket name has lowercase letters, digits, '-', '_' and '.', and starts and ends"
              + " with a letter or digit");
    }
    boolean dotted = name.indexOf('.') >= 0;
    if (name.length() < 3 || name.length() > (dotted ? 222 : 63)) {
      return Optional.of(
          "a bucket name has 3 to 63 characters (222 with dots), got " + name.length());
    }
    for (String component : name.split("\\.", -1)) {
      if (component.isEmpty() || component.length() > 63) {
        return Optional.of("each dot-separated part of a bucket name has 1 to 63 characters");
      }
    }
    if (IPV4.matcher(name).matches()) {
      return Optional.of("a bucket name cannot be an IP address");
    }
    if (name.startsWith("goog") || name.contains("google")) {
      return Optional.of("a bucket name cannot start with 'goog' or contain 'google'");
    }
    return Optional.empty();
  }
}
