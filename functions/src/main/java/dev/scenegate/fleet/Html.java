package dev.scenegate.fleet;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Escaping for the board's pages. Everything taken from the bucket (scene ids, object and file
 * names, reasons, report text) is untrusted and goes through {@link #text} on its way into the
 * page, in element content and in (always double-quoted) attribute values alike.
 */
final class Html {
  private Html() {}

  /** {@code value} as text: the five characters that could end or open markup are escaped. */
  static String text(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(value.length() + 16);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          // Control characters other than tab and line breaks have no business in the page.
          if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f) {
            out.append('\uFFFD');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** {@code value} as one path segment of a URL (then escaped as text when put in an attribute). */
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
