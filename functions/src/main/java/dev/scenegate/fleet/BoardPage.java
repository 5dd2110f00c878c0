package dev.scenegate.fleet;

import static dev.scenegate.fleet.Html.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.scene.Stage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Renders the board's pages: the fleet grid and a scene's page, served ({@link Mode#SERVED}) or in
 * one self-contained snapshot file ({@link Mode#SNAPSHOT}). Every value from the bucket passes
 * through {@link Html#text}; the page itself holds no inline script or style when served, so the
 * Content-Security-Policy can forbid both.
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

  // ---- a scene ----

  static String scene(FleetReader.SceneDetail detail, Context ctx, Instant now) {
    StringBuilder b = new StringBuilder(16384);
    String id = detail.summary().sceneId();
    head(b, ctx, "scene " + id + " · scenegate");
    b.append("<a class=\"skip\" href=\"#main\">Skip to the scene</a>\n");
    b.append("<header class=\"top\">\n<h1>scene ").append(text(id)).append("</h1>\n");
    b.append("<a href=\"/\">&larr; the fleet</a>\n");
    b.append("<span class=\"source\">").append(text(ctx.source())).append("</span>\n");
    refreshNote(b, ctx);
    b.append("</header>\n<main id=\"main\">\n");
    sceneBody(b, detail, ctx, now);
    b.append("</main>\n");
    tail(b, ctx);
    return b.toString();
  }

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

  private static void sceneBody(
      StringBuilder b, FleetReader.SceneDetail detail, Context ctx, Instant now) {
    SceneSummary summary = detail.summary();
    SceneDocument doc = detail.document();
    b.append("<section class=\"panel\" aria-label=\"Summary\">\n<h2>Summary</h2>\n");
    b.append("<dl class=\"facts\">\n<dt>Verdict</dt><dd><span class=\"badge verdict-")
        .append(text(summary.verdictName()))
        .append("\">")
        .append(text(summary.verdictName()))
        .append("</span></dd>\n<dt>Last change</dt><dd>");
    time(b, summary.updatedAt(), now);
    b.append("</dd>\n<dt>Failed</dt><dd>").append(text(list(summary.failedStages())));
    b.append("</dd>\n<dt>Waiting</dt><dd>").append(text(list(summary.waitingStages())));
    b.append("</dd>\n<dt>Running</dt><dd>").append(text(list(summary.runningStages())));
    b.append("</dd>\n<dt>Stale</dt><dd>");
    if (summary.stale().isEmpty()) {
      b.append("-");
    }
    for (SceneSummary.StaleStage s : summary.stale()) {
      b.append("<span class=\"badge st-stale\">")
          .append(text(s.stage().wireName()))
          .append(' ')
          .append(text(s.status().wireName()))
          .append(" since ")
          .append(text(s.since()))
          .append("</span> ");
    }
    b.append("</dd>\n<dt>Bucket</dt><dd><code>")
        .append(text(doc.bucket()))
        .append("</code></dd>\n");
    b.append("<dt>State document</dt><dd><code>")
        .append(text(summary.stateObject()))
        .append("</code></dd>\n");
    if (doc.outboxPending() > 0) {
      b.append("<dt>Not yet confirmed</dt><dd>")
          .append(doc.outboxPending())
          .append(" side effect(s); the next delivery for the scene retries them</dd>\n");
    }
    b.append("</dl>\n</section>\n");

    List<SceneDocument.StageEntry> failed =
        doc.stages().stream().filter(s -> s.failure() != null).toList();
    if (!failed.isEmpty()) {
      b.append("<section class=\"panel\" aria-label=\"Failures\">\n<h2>Failures</h2>\n");
      for (SceneDocument.StageEntry s : failed) {
        failure(b, summary.sceneId(), s, detail.failedMarkers().get(s.stage().wireName()));
      }
      b.append("</section>\n");
    }

    b.append("<section class=\"panel\" aria-label=\"Stages\">\n<h2>Stages</h2>\n");
    b.append(
        "<div class=\"grid-wrap\"><table class=\"stages\">\n<thead><tr><th scope=\"col\">Stage</th>");
    b.append(
        "<th scope=\"col\">Status</th><th scope=\"col\">Since</th><th scope=\"col\">Marker</th>");
    b.append("<th scope=\"col\">Reason</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < doc.stages().size(); i++) {
      SceneDocument.StageEntry s = doc.stages().get(i);
      SceneSummary.Cell cell = summary.cells().get(i);
      String css = cell.stale() ? "stale" : s.status().wireName();
      b.append("<tr><th scope=\"row\">");
      if (s.failure() != null) {
        b.append("<a href=\"#")
            .append(text(failureAnchor(summary.sceneId(), s.stage())))
            .append("\">")
            .append(text(s.stage().wireName()))
            .append("</a>");
      } else {
        b.append(text(s.stage().wireName()));
      }
      b.append("</th><td class=\"st st-")
          .append(css)
          .append("\" data-stage=\"")
          .append(text(s.stage().wireName()))
          .append("\" data-status=\"")
          .append(css)
          .append("\">")
          .append(text(s.status().wireName()))
          .append(cell.stale() ? " · stale" : "")
          .append("</td><td>");
      time(b, s.since(), now);
      b.append("</td><td>");
      marker(b, s.markerObject(), s.markerGeneration());
      b.append("</td><td>").append(text(s.reason())).append("</td></tr>\n");
    }
    b.append("</tbody>\n</table></div>\n</section>\n");

    b.append("<section class=\"panel\" aria-label=\"Alerts raised\">\n<h2>Alerts raised</h2>\n");
    if (doc.alerts().isEmpty()) {
      b.append("<p>None recorded in the state.</p>\n");
    } else {
      b.append("<div class=\"grid-wrap\"><table class=\"alerts\">\n<thead><tr>");
      b.append("<th scope=\"col\">Kind</th><th scope=\"col\">Stage</th><th scope=\"col\">At</th>");
      b.append("<th scope=\"col\">Delivery</th></tr></thead>\n<tbody>\n");
      List<SceneDocument.RaisedAlert> alerts = new ArrayList<>(doc.alerts());
      alerts.sort(
          Comparator.comparing(
                  (SceneDocument.RaisedAlert a) -> instant(a.at()),
                  Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
              .reversed());
      for (SceneDocument.RaisedAlert a : alerts) {
        b.append("<tr><td>")
            .append(text(a.kind() == null ? "alert" : a.kind()))
            .append("</td><td>")
            .append(text(a.stage()))
            .append("</td><td>");
        time(b, a.at(), now);
        b.append("</td><td>")
            .append(a.confirmed() ? "published" : "waiting in the outbox to be published")
            .append("</td></tr>\n");
      }
      b.append("</tbody>\n</table></div>\n");
    }
    b.append("</section>\n");

    b.append("<section class=\"panel\" aria-label=\"Timeline\">\n<h2>Timeline</h2>\n");
    b.append(
        "<p class=\"meta\">Every recorded transition, newest first; the cause is the delivery");
    b.append(
        " that made it (<code>bucket/object#generation</code>, or <code>redrive:</code>).</p>\n");
    b.append(
        "<div class=\"grid-wrap\"><table class=\"timeline\">\n<thead><tr><th scope=\"col\">At</th>");
    b.append(
        "<th scope=\"col\">Stage</th><th scope=\"col\">Change</th><th scope=\"col\">Reason</th>");
    b.append("<th scope=\"col\">Cause</th></tr></thead>\n<tbody>\n");
    List<SceneDocument.TimelineEntry> timeline = new ArrayList<>(doc.timeline());
    timeline.sort(
        Comparator.comparing(
                (SceneDocument.TimelineEntry t) -> instant(t.at()),
                Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
            .reversed());
    for (SceneDocument.TimelineEntry t : timeline) {
      b.append("<tr><td>");
      time(b, t.at(), now);
      b.append("</td><td>")
          .append(text(t.stage()))
          .append("</td><td>")
          .append(text(t.from()))
          .append(" &rarr; <span class=\"badge st-")
          .append(text(cssStatus(t.to())))
          .append("\">")
          .append(text(t.to()))
          .append("</span></td><td>")
          .append(text(t.reason()))
          .append("</td><td><code class=\"digest\">")
          .append(text(t.cause()))
          .append("</code></td></tr>\n");
    }
    b.append("</tbody>\n</table></div>\n</section>\n");
  }

  private static void failure(
      StringBuilder b,
      String sceneId,
      SceneDocument.StageEntry s,
      FleetReader.FailedMarker failedMarker) {
    SceneDocument.Failure f = s.failure();
    b.append("<article class=\"failure\" id=\"")
        .append(text(failureAnchor(sceneId, s.stage())))
        .append("\">\n<h3>")
        .append(text(s.stage().wireName()))
        .append(" failed: ")
        .append(text(f.reason()))
        .append("</h3>\n<dl class=\"facts\">\n");
    if (f.kind() != null) {
      b.append("<dt>Check</dt><dd>").append(text(f.kind())).append("</dd>\n");
    }
    if (f.path() != null) {
      b.append("<dt>")
          .append("checksum".equals(f.kind()) ? "Manifest" : "Report")
          .append("</dt><dd><code>")
          .append(text(f.path()))
          .append("</code></dd>\n");
    }
    b.append("<dt>Marker</dt><dd>");
    marker(b, s.markerObject(), s.markerGeneration());
    b.append("</dd>\n<dt>Failed at</dt><dd>");
    time(b, s.since(), null);
    b.append("</dd>\n</dl>\n");
    if (!f.files().isEmpty()) {
      b.append("<table class=\"files\">\n<thead><tr><th scope=\"col\">File</th>");
      b.append("<th scope=\"col\">Outcome</th><th scope=\"col\">Expected size</th>");
      b.append("<th scope=\"col\">Actual size</th><th scope=\"col\">Expected SHA-256</th>");
      b.append("<th scope=\"col\">Actual SHA-256</th></tr></thead>\n<tbody>\n");
      for (SceneDocument.FileFailure file : f.files()) {
        boolean sizeDiffers =
            file.actualSize() != null && !Objects.equals(file.expectedSize(), file.actualSize());
        boolean digestDiffers =
            file.actualSha256() != null && !file.actualSha256().equals(file.expectedSha256());
        b.append("<tr class=\"file-failure\"><td data-label=\"File\"><code class=\"path\">")
            .append(text(file.path()))
            .append("</code></td><td data-label=\"Outcome\" class=\"mismatch\">")
            .append(text(file.kind()))
            .append("</td><td data-label=\"Expected size\">")
            .append(size(file.expectedSize()))
            .append("</td><td data-label=\"Actual size\"")
            .append(sizeDiffers ? " class=\"mismatch\"" : "")
            .append('>')
            .append(size(file.actualSize()))
            .append("</td><td data-label=\"Expected SHA-256\"><code class=\"digest expected\">")
            .append(text(orDash(file.expectedSha256())))
            .append("</code></td><td data-label=\"Actual SHA-256\"><code class=\"digest actual")
            .append(digestDiffers ? " mismatch" : "")
            .append("\">")
            .append(text(orDash(file.actualSha256())))
            .append("</code></td></tr>\n");
      }
      b.append("</tbody>\n</table>\n");
      if (f.filesTotal() > f.files().size()) {
        b.append("<p>")
            .append(f.filesTotal() - f.files().size())
            .append(" more file(s) failed; the state keeps the first ")
            .append(f.files().size())
            .append(".</p>\n");
      }
    }
    b.append("<h4>The <code>.failed</code> marker</h4>\n");
    if (failedMarker == null) {
      b.append("<p>-</p>\n");
    } else {
      b.append("<p><code>").append(text(failedMarker.location())).append("</code>");
      if (failedMarker.text() == null) {
        b.append(": ").append(text(failedMarker.problem())).append("</p>\n");
      } else {
        b.append("</p>\n<pre class=\"failed-marker\">")
            .append(text(pretty(failedMarker.text())))
            .append("</pre>\n");
      }
    }
    if (!f.remediation().isEmpty()) {
      b.append("<h4>Remediation</h4>\n<ol class=\"remediation\">\n");
      for (String step : f.remediation()) {
        b.append("<li>").append(text(step)).append("</li>\n");
      }
      b.append("</ol>\n");
    }
    b.append("</article>\n");
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
      sceneBody(b, detail, ctx, view.readAt());
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

  // ---- pieces ----

  private static void head(StringBuilder b, Context ctx, String title) {
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

  private static void tail(StringBuilder b, Context ctx) {
    if (ctx.mode() == Mode.SNAPSHOT) {
      b.append("<script>").append(BoardAssets.JS).append("</script>\n");
    }
    b.append("</body>\n</html>\n");
  }

  private static void refreshNote(StringBuilder b, Context ctx) {
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

  private static String failureAnchor(String sceneId, Stage stage) {
    return "failure-" + sceneId + "-" + stage.wireName();
  }

  private static void marker(StringBuilder b, String object, Long generation) {
    if (object == null) {
      b.append("-");
      return;
    }
    b.append("<code class=\"digest\">").append(text(object));
    if (generation != null) {
      b.append('#').append(generation);
    }
    b.append("</code>");
  }

  private static void time(StringBuilder b, String at, Instant now) {
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

  private static Instant instant(String at) {
    if (at == null) {
      return null;
    }
    try {
      return Instant.parse(at);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String cssStatus(String status) {
    return status != null && STATUSES.contains(status) ? status : "pending";
  }

  private static String list(List<String> values) {
    return values.isEmpty() ? "-" : String.join(", ", values);
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }

  private static String size(Long bytes) {
    return bytes == null ? "-" : String.format(Locale.ROOT, "%,d B", bytes);
  }

  /** A {@code .failed} marker is JSON written by scenegate: shown indented when it parses. */
  private static String pretty(String content) {
    try {
      JsonNode node = EventJson.MAPPER.readTree(content);
      if (node != null && node.isContainerNode()) {
        return EventJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
      }
    } catch (IOException e) {
      // Not JSON (written by hand, truncated): shown as it is.
    }
    return content;
  }
}
