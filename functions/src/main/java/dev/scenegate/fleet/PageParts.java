package dev.scenegate.fleet;

import static dev.scenegate.fleet.Html.text;

import dev.scenegate.fleet.BoardPage.Context;
import dev.scenegate.fleet.BoardPage.Mode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The pieces every board page shares: the head and tail, the refresh note, links to a scene, and
 * times and durations written for people.
 */
final class PageParts {
  private PageParts() {}

  static void head(StringBuilder b, Context ctx, String title) {
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    b.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    b.append("<meta name=\"referrer\" content=\"no-referrer\">\n");
    if (ctx.mode() == Mode.SNAPSHOT) {
      // No server to send headers: the policy travels in the page, allowing only its own inline
      // stylesheet and script (by hash) and no request at all.
      b.append(
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src ")
          .append(BoardAssets.cspHash(BoardAssets.CSS))
          .append("; script-src ")
          .append(BoardAssets.cspHash(BoardAssets.JS))
          .append("; base-uri 'none'; form-action 'none'\">\n");
    }
    b.append("<title>").append(text(title)).append("</title>\n");
    if (ctx.mode() == Mode.SNAPSHOT) {
      b.append("<style>").append(BoardAssets.CSS).append("</style>\n");
    } else {
      b.append("<link rel=\"stylesheet\" href=\"/board.css\">\n");
      b.append("<script src=\"/board.js\" defer></script>\n");
    }
    b.append("</head>\n<body");
    if (ctx.mode() == Mode.SERVED) {
      b.append(" data-poll=\"/api/fleet\" data-interval=\"")
          .append(ctx.pollMillis())
          .append("\" data-version=\"")
          .append(text(ctx.version()))
          .append('"');
    }
    b.append(">\n");
  }

  static void tail(StringBuilder b, Context ctx) {
    if (ctx.mode() == Mode.SNAPSHOT) {
      b.append("<script>").append(BoardAssets.JS).append("</script>\n");
    }
    b.append("</body>\n</html>\n");
  }

  static void refreshNote(StringBuilder b, Context ctx) {
    if (ctx.mode() == Mode.SERVED) {
      b.append("<span class=\"source\" id=\"refresh-state\" aria-live=\"polite\">refreshes every ")
          .append(Math.max(1, ctx.pollMillis() / 1000))
          .append(" s</span>\n");
    }
  }

  static String sceneHref(Context ctx, String sceneId) {
    return ctx.mode() == Mode.SERVED
        ? "/scene/" + Html.segment(sceneId)
        : "#" + sceneAnchor(sceneId);
  }

  static String sceneAnchor(String sceneId) {
    return "scene-" + sceneId;
  }

  static void time(StringBuilder b, String at, Instant now) {
    if (at == null) {
      b.append("-");
      return;
    }
    Instant parsed = instant(at);
    b.append("<time datetime=\"")
        .append(text(at))
        .append("\" title=\"")
        .append(text(at))
        .append("\">")
        .append(text(parsed == null ? at : shortTime(parsed)))
        .append("</time>");
    if (parsed != null && now != null && !parsed.isAfter(now)) {
      b.append(" <span class=\"meta\">(")
          .append(text(human(Duration.between(parsed, now))))
          .append(" ago)</span>");
    }
  }

  /** An instant for people, to the second: {@code 2026-12-01 11:19:50Z}. */
  static String shortTime(Instant at) {
    return SHORT_TIME.format(at);
  }

  private static final java.time.format.DateTimeFormatter SHORT_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
          .withZone(java.time.ZoneOffset.UTC);

  /** A duration for people: {@code 26h 5m}, {@code 3d 2h}, {@code 40s}. */
  static String human(Duration d) {
    long s = d.getSeconds();
    if (s < 60) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 60) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 48) {
      return h + "h" + (m % 60 == 0 ? "" : " " + m % 60 + "m");
    }
    return h / 24 + "d" + (h % 24 == 0 ? "" : " " + h % 24 + "h");
  }

  static Instant instant(String at) {
    if (at == null) {
      return null;
    }
    try {
      return Instant.parse(at);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
