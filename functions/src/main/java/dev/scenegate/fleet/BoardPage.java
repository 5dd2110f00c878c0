package dev.scenegate.fleet;

import static dev.scenegate.fleet.Html.text;
import static dev.scenegate.fleet.PageParts.head;
import static dev.scenegate.fleet.PageParts.human;
import static dev.scenegate.fleet.PageParts.refreshNote;
import static dev.scenegate.fleet.PageParts.sceneAnchor;
import static dev.scenegate.fleet.PageParts.sceneHref;
import static dev.scenegate.fleet.PageParts.shortTime;
import static dev.scenegate.fleet.PageParts.tail;
import static dev.scenegate.fleet.PageParts.time;

import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.scene.Stage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the board's pages: the fleet grid (a scene's page: {@link ScenePage}), served ({@link
 * Mode#SERVED}) or in one self-contained snapshot file ({@link Mode#SNAPSHOT}). Every value from
 * the bucket passes through {@link Html#text}; the page itself holds no inline script or style when
 * served, so the Content-Security-Policy can forbid both.
 */
final class BoardPage {
  /** Served pages link to {@code /scene/<id>} and poll; a snapshot links within itself. */
  enum Mode {
    SERVED,
    SNAPSHOT
  }

  /** What every page needs besides its data. */
  record Context(Mode mode, String source, Deadlines deadlines, String version, int pollMillis) {}

  /** The grid's filter, from the query string ({@code verdict}, {@code q}); empty strings: none. */
  record Filter(String verdict, String text) {
    static final Filter NONE = new Filter("", "");

    Filter {
      verdict = verdict == null ? "" : verdict;
      text = text == null ? "" : text;
    }

    boolean keeps(SceneSummary scene) {
      boolean verdictOk =
          verdict.isEmpty()
              || verdict.equals(scene.verdictName())
              || (verdict.equals("stale") && !scene.stale().isEmpty());
      return verdictOk
          && (text.isBlank() || searchText(scene).contains(text.strip().toLowerCase(Locale.ROOT)));
    }
  }

  static final List<String> STATUSES =
      List.of("passed", "failed", "running", "waiting", "skipped", "pending", "stale");

  private BoardPage() {}

  // ---- the fleet ----

  static String fleet(FleetView view, Context ctx, Filter filter) {
    StringBuilder b = new StringBuilder(4096 + view.scenes().size() * 900);
    head(b, ctx, "scenegate fleet (" + view.scenes().size() + " scenes)");
    b.append("<a class=\"skip\" href=\"#fleet\">Skip to the fleet grid</a>\n");
    b.append("<header class=\"top\">\n<h1>scenegate fleet</h1>\n");
    b.append("<span class=\"source\">").append(text(ctx.source())).append("</span>\n");
    filterForm(b, ctx, filter);
    refreshNote(b, ctx);
    b.append("</header>\n<main id=\"main\">\n");
    fleetBody(b, view, ctx, filter);
    b.append("</main>\n");
    tail(b, ctx);
    return b.toString();
  }

  private static void filterForm(StringBuilder b, Context ctx, Filter filter) {
    b.append("<form id=\"filters\" class=\"filters\" role=\"search\"");
    if (ctx.mode() == Mode.SERVED) {
      b.append(" method=\"get\" action=\"/\"");
    }
    b.append(">\n<label for=\"verdict\">Verdict</label>\n<select id=\"verdict\" name=\"verdict\">");
    option(b, "", "all", filter.verdict());
    for (String verdict : SceneSummary.VERDICT_ORDER) {
      option(b, verdict, verdict, filter.verdict());
    }
    option(b, "stale", "stale stage", filter.verdict());
    b.append("</select>\n<label for=\"q\">Text</label>\n");
    b.append("<input id=\"q\" name=\"q\" type=\"search\" placeholder=\"scene id, stage\" value=\"")
        .append(text(filter.text()))
        .append("\">\n<button type=\"submit\">Filter</button>\n</form>\n");
  }

  private static void option(StringBuilder b, String value, String label, String selected) {
    b.append("<option value=\"").append(text(value)).append('"');
    if (value.equals(selected)) {
      b.append(" selected");
    }
    b.append('>').append(text(label)).append("</option>");
  }

  private static void fleetBody(StringBuilder b, FleetView view, Context ctx, Filter filter) {
    Map<String, Integer> counts = view.counts();
    b.append("<ul class=\"counts\" aria-label=\"Scenes per verdict\">\n");
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      countBadge(b, ctx, e.getKey(), e.getKey(), e.getValue(), "verdict-" + e.getKey());
    }
    countBadge(b, ctx, "stale", "stale stage", view.staleCount(), "st-stale");
    b.append("<li><span>total <b>")
        .append(view.scenes().size())
        .append("</b></span></li>\n</ul>\n");
    int shown = 0;
    for (SceneSummary scene : view.scenes()) {
      if (filter.keeps(scene)) {
        shown++;
      }
    }
    b.append("<p class=\"meta\">Read at <time datetime=\"")
        .append(view.readAt())
        .append("\">")
        .append(shortTime(view.readAt()))
        .append("</time> · stale: running longer than ")
        .append(text(human(ctx.deadlines().running())))
        .append(", waiting longer than ")
        .append(text(human(ctx.deadlines().waiting())))
        .append(
            " (SLA_RUNNING, SLA_WAITING, SLA_&lt;STAGE&gt;) · <span id=\"shown\" aria-live=\"polite\">")
        .append(shown)
        .append(" of ")
        .append(view.scenes().size())
        .append(" scenes shown</span></p>\n");
    if (view.scenes().isEmpty()) {
      b.append("<p>No scene has a state document yet.</p>\n");
    }
    b.append(
        "<div class=\"grid-wrap\" tabindex=\"0\" aria-label=\"Fleet grid, scrolls sideways\">\n");
    b.append("<table class=\"grid\" id=\"fleet\">\n<thead><tr>");
    b.append("<th class=\"scene\" scope=\"col\">Scene</th><th scope=\"col\">Verdict</th>");
    b.append("<th scope=\"col\" class=\"col-updated\">Updated</th>");
    for (Stage stage : Stage.values()) {
      b.append("<th scope=\"col\">").append(text(stage.wireName())).append("</th>");
    }
    b.append("</tr></thead>\n<tbody>\n");
    for (SceneSummary scene : view.scenes()) {
      row(b, scene, ctx, view.readAt(), filter.keeps(scene));
    }
    b.append("</tbody>\n</table>\n</div>\n");
    b.append("<ul class=\"legend\" aria-label=\"Colours\">");
    for (String status : STATUSES) {
      b.append("<li class=\"st st-").append(status).append("\">").append(status).append("</li>");
    }
    b.append("</ul>\n");
  }

  private static void countBadge(
      StringBuilder b, Context ctx, String value, String label, int count, String css) {
    b.append("<li>");
    if (ctx.mode() == Mode.SERVED) {
      b.append("<a class=\"")
          .append(css)
          .append("\" href=\"/?verdict=")
          .append(text(Html.segment(value)))
          .append("\">");
    } else {
      b.append("<span class=\"").append(css).append("\">");
    }
    b.append(text(label)).append(" <b>").append(count).append("</b>");
    b.append(ctx.mode() == Mode.SERVED ? "</a>" : "</span>").append("</li>\n");
  }

  private static void row(
      StringBuilder b, SceneSummary scene, Context ctx, Instant now, boolean shown) {
    b.append("<tr data-verdict=\"")
        .append(text(scene.verdictName()))
        .append("\" data-stale=\"")
        .append(!scene.stale().isEmpty())
        .append("\" data-search=\"")
        .append(text(searchText(scene)))
        .append('"');
    if (!shown) {
      b.append(" hidden");
    }
    b.append(">\n<th class=\"scene\" scope=\"row\">");
    if (scene.isUnreadable()) {
      b.append(text(scene.sceneId()));
    } else {
      b.append("<a href=\"")
          .append(text(sceneHref(ctx, scene.sceneId())))
          .append("\">")
          .append(text(scene.sceneId()))
          .append("</a>");
      String brief = brief(scene);
      if (!brief.isEmpty()) {
        // Shown in a narrow window only, where the stage cells are off to the side.
        b.append("<div class=\"brief\">").append(text(brief)).append("</div>");
      }
    }
    b.append("</th><td><span class=\"badge verdict-")
        .append(text(scene.verdictName()))
        .append("\">")
        .append(text(scene.verdictName()))
        .append("</span></td><td class=\"col-updated\">");
    time(b, scene.updatedAt(), now);
    b.append("</td>");
    if (scene.isUnreadable()) {
      b.append("<td class=\"error\" colspan=\"")
          .append(Stage.values().length)
          .append("\">state document unreadable: ")
          .append(text(scene.error()))
          .append(" (")
          .append(text(scene.stateObject()))
          .append(")</td>");
    } else {
      for (SceneSummary.Cell cell : scene.cells()) {
        String status = cell.status().wireName();
        String css = cell.stale() ? "stale" : status;
        String title =
            cell.stage().wireName()
                + ": "
                + status
                + (cell.stale() ? " past its deadline" : "")
                + (cell.since() == null ? "" : " since " + cell.since())
                + (cell.reason() == null || cell.reason().equals("passed")
                    ? ""
                    : " - " + cell.reason());
        b.append("<td class=\"st st-")
            .append(css)
            .append("\" data-stage=\"")
            .append(text(cell.stage().wireName()))
            .append("\" data-status=\"")
            .append(text(css))
            .append("\" title=\"")
            .append(text(title))
            .append("\">")
            .append(cell.stale() ? text(status) + " · stale" : text(status))
            .append("</td>");
      }
    }
    b.append("\n</tr>\n");
  }

  /** The stages that need a look, in words: {@code regen3d failed, dwm waiting}. */
  private static String brief(SceneSummary scene) {
    List<String> parts = new ArrayList<>();
    for (SceneSummary.Cell cell : scene.cells()) {
      StageStatus status = cell.status();
      if (cell.stale()) {
        parts.add(cell.stage().wireName() + " " + status.wireName() + " (stale)");
      } else if (status == StageStatus.FAILED
          || status == StageStatus.WAITING
          || status == StageStatus.RUNNING) {
        parts.add(cell.stage().wireName() + " " + status.wireName());
      }
    }
    return String.join(", ", parts);
  }

  /** What the text filter matches: the scene id, its verdict, and each stage not passed. */
  static String searchText(SceneSummary scene) {
    StringBuilder s = new StringBuilder(scene.sceneId()).append(' ').append(scene.verdictName());
    for (SceneSummary.Cell cell : scene.cells()) {
      if (cell.stale()) {
        s.append(' ').append(cell.stage().wireName()).append(" stale");
      } else if (cell.status() != StageStatus.PASSED && cell.status() != StageStatus.PENDING) {
        s.append(' ').append(cell.stage().wireName()).append(' ').append(cell.status().wireName());
      }
    }
    return s.toString().toLowerCase(Locale.ROOT);
  }

  // ---- a page with one message ----

  /** A page with one message: an unreadable scene, a scene that is not there, a refused request. */
  static String message(Context ctx, String title, String message) {
    StringBuilder b = new StringBuilder(2048);
    head(b, ctx, title + " · scenegate");
    b.append("<header class=\"top\">\n<h1>").append(text(title)).append("</h1>\n");
    b.append(
            "<a href=\"/\">&larr; the fleet</a>\n</header>\n<main id=\"main\">\n<p class=\"error\">")
        .append(text(message))
        .append("</p>\n</main>\n");
    tail(b, ctx);
    return b.toString();
  }

  // ---- a snapshot ----

  /**
   * One self-contained page: the fleet grid, then the page of each scene in {@code details} (linked
   * from the grid), with the stylesheet and script inline and allowed by hash only.
   */
  static String snapshot(
      FleetView view,
      List<FleetReader.SceneDetail> details,
      Map<String, String> problems,
      Context ctx) {
    StringBuilder b = new StringBuilder(8192 + view.scenes().size() * 900 + details.size() * 8192);
    head(b, ctx, "scenegate fleet snapshot " + view.readAt());
    b.append("<a class=\"skip\" href=\"#fleet\">Skip to the fleet grid</a>\n");
    b.append("<header class=\"top\">\n<h1>scenegate fleet (snapshot)</h1>\n");
    b.append("<span class=\"source\">").append(text(ctx.source())).append("</span>\n");
    filterForm(b, ctx, Filter.NONE);
    b.append("</header>\n<main id=\"main\">\n");
    fleetBody(b, view, ctx, Filter.NONE);
    if (!details.isEmpty() || !problems.isEmpty()) {
      b.append(
          "<p class=\"meta\">Below: the page of every scene that is not passed or pending.</p>\n");
    }
    for (FleetReader.SceneDetail detail : details) {
      String id = detail.summary().sceneId();
      b.append("<section class=\"scene-snapshot\" id=\"")
          .append(text(sceneAnchor(id)))
          .append("\">\n<h2>scene ")
          .append(text(id))
          .append("</h2>\n<p><a href=\"#fleet\">&uarr; the fleet</a></p>\n");
      ScenePage.sceneBody(b, detail, ctx, view.readAt());
      b.append("</section>\n");
    }
    for (Map.Entry<String, String> p : problems.entrySet()) {
      b.append("<section class=\"scene-snapshot\" id=\"")
          .append(text(sceneAnchor(p.getKey())))
          .append("\">\n<h2>scene ")
          .append(text(p.getKey()))
          .append("</h2>\n<p class=\"error\">")
          .append(text(p.getValue()))
          .append("</p>\n</section>\n");
    }
    b.append("</main>\n");
    tail(b, ctx);
    return b.toString();
  }
}
