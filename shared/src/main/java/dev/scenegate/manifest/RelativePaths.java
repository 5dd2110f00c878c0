package dev.scenegate.manifest;

import java.util.Optional;

/**
 * Validation of manifest keys. A key is a '/'-separated path relative to the manifest's folder;
 * anything that could resolve outside that folder, or means something different on another OS, is
 * refused.
 */
public final class RelativePaths {
  private RelativePaths() {}

  /** Empty when {@code path} is safe; otherwise the reason it is not. */
  public static Optional<String> problem(String path) {
    if (path == null || path.isEmpty()) {
      return Optional.of("empty path");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
        return Optional.of("control character in path");
      }
      if (c == '\\') {
        return Optional.of("backslash in path");
      }
      if (Character.isSurrogate(c)
          && !(Character.isHighSurrogate(c)
              && i + 1 < path.length()
              && Character.isLowSurrogate(path.charAt(++i)))) {
        return Optional.of("malformed unicode in path");
      }
    }
    if (path.startsWith("/")) {
      return Optional.of("absolute path");
    }
    String[] segments = path.split("/", -1);
    // "C:/x" and the drive-relative "C:x" mean another root on Windows.
    if (segments[0].length() >= 2
        && segments[0].charAt(0) < 0x80
        && Character.isLetter(segments[0].charAt(0))
        && segments[0].charAt(1) == ':') {
      return Optional.of("drive-qualified path");
    }
    for (String segment : segments) {
      if (segment.isEmpty()) {
        return Optional.of("empty path segment");
      }
      if (segment.equals(".")) {
        return Optional.of("'.' path segment");
      }
      if (segment.equals("..")) {
        return Optional.of("'..' path segment");
      }
    }
    return Optional.empty();
  }

  /**
   * True for paths a manifest never needs to list and strict verification never reports: a
   * dot-named marker ({@code .regen3d_complete}) or anything inside a dot-named folder ({@code
   * .git/}, a tool's scratch space). Checked per segment, so {@code obj_1/.done} counts too.
   */
  public static boolean isHidden(String relativePath) {
    for (String segment : relativePath.split("/", -1)) {
      if (segment.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** The folder part of an object name with its trailing '/', or "" at the top. */
  public static String parentPrefix(String objectName) {
    int slash = objectName.lastIndexOf('/');
    return slash < 0 ? "" : objectName.substring(0, slash + 1);
  }

  /** The last segment of an object name. */
  public static String baseName(String objectName) {
    int slash = objectName.lastIndexOf('/');
    return slash < 0 ? objectName : objectName.substring(slash + 1);
  }
}
