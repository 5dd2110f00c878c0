package dev.scenegate.fleet;

import static dev.scenegate.fleet.Html.text;
import static dev.scenegate.fleet.PageParts.head;
import static dev.scenegate.fleet.PageParts.instant;
import static dev.scenegate.fleet.PageParts.refreshNote;
import static dev.scenegate.fleet.PageParts.tail;
import static dev.scenegate.fleet.PageParts.time;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.fleet.BoardPage.Context;
import dev.scenegate.scene.Stage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders a scene's page: its summary, failures (with the {@code .failed} marker and remediation),
 * stages, alerts raised and timeline. Served on its own or inside a snapshot (see {@link
 * BoardPage#snapshot}).
 */
final class ScenePage {
  private ScenePage() {}

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

  static void sceneBody(StringBuilder b, FleetReader.SceneDetail detail, Context ctx, Instant now) {
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

  private static String cssStatus(String status) {
    return status != null && BoardPage.STATUSES.contains(status) ? status : "pending";
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
