package dev.scenegate.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.Topic;
import dev.scenegate.scene.SceneIds;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Readable lines for stage events and alerts (DESIGN: Events), as the local runner, the demo and
 * the dev stack's watch print them. Only the time (UTC) and paths vary between runs.
 *
 * <pre>
 * 18:00:01  kitchen_001  regen3d           pending  -> passed   assets/.regen3d_complete
 * 18:00:01  kitchen_001  ALERT checksum_failure (regen3d): 1 of 3 files failed verification ...
 *             obj_1/asset.glb  SHA256_MISMATCH  expected 3f2a... (3000 B)  actual 9c1b... (3000 B)
 *             remediation 1. Re-stage assets: ...
 * </pre>
 */
public final class EventLines {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private EventLines() {}

  /** The lines for one message of {@code topic} whose payload is {@code payload}. */
  public static List<String> render(Topic topic, JsonNode payload) {
    if (payload == null || !payload.isObject()) {
      return List.of("[" + topic.defaultName() + "] (not a JSON object)");
    }
    return topic == Topic.CHECKSUM_ALERTS ? alert(payload) : List.of(stageEvent(payload));
  }

  /** One line: time, scene, stage, previous and new status, the trigger, and why (if not ok). */
  public static String stageEvent(JsonNode event) {
    String scene = event.path("scene_id").asText("?");
    StringBuilder line = new StringBuilder();
    line.append(time(event.path("occurred_at").asText(null))).append("  ");
    line.append(pad(scene, 14)).append("  ");
    line.append(pad(event.path("stage").asText("?"), 16)).append("  ");
    line.append(pad(event.path("previous_status").asText("?"), 8)).append(" -> ");
    String status = event.path("status").asText("?");
    line.append(pad(status, 8));
    String trigger = event.path("trigger").path("object").asText("");
    String prefix = SceneIds.folder(scene);
    if (trigger.startsWith(prefix)) {
      trigger = trigger.substring(prefix.length());
    }
    if (!trigger.isEmpty()) {
      line.append(" ").append(trigger);
    }
    String reason = event.path("details").path("reason").asText("");
    if (!reason.isEmpty() && !status.equals("passed")) {
      line.append("  (").append(reason).append(')');
    }
    return line.toString().stripTrailing();
  }

  /** The alert's headline, then one line per failing file and per remediation step. */
  public static List<String> alert(JsonNode alert) {
    List<String> lines = new ArrayList<>();
    String indent = " ".repeat(12);
    StringBuilder head = new StringBuilder();
    head.append(time(alert.path("occurred_at").asText(null))).append("  ");
    head.append(pad(alert.path("scene_id").asText("?"), 14)).append("  ");
    head.append("ALERT ").append(alert.path("kind").asText("?"));
    String stage = alert.path("stage").asText("");
    if (!stage.isEmpty()) {
      head.append(" (").append(stage).append(')');
    }
    String reason = alert.path("reason").asText("");
    if (!reason.isEmpty()) {
      head.append(": ").append(reason);
    }
    lines.add(head.toString());
    String manifest = alert.path("manifest").asText("");
    if (!manifest.isEmpty()) {
      lines.add(indent + (stage.isEmpty() ? "manifest " : "checked ") + manifest);
    }
    for (JsonNode f : alert.path("failures")) {
      StringBuilder line = new StringBuilder(indent);
      line.append(f.path("path").asText("?")).append("  ").append(f.path("kind").asText("?"));
      line.append("  expected ").append(digest(f, "expected"));
      line.append("  actual ").append(digest(f, "actual"));
      lines.add(line.toString());
    }
    int total = alert.path("failures_total").asInt(alert.path("failures").size());
    if (total > alert.path("failures").size()) {
      lines.add(indent + "... " + (total - alert.path("failures").size()) + " more");
    }
    int step = 1;
    for (JsonNode r : alert.path("remediation")) {
      lines.add(indent + (step == 1 ? "remediation " : "            ") + step + ". " + r.asText());
      step++;
    }
    return lines;
  }

  private static String digest(JsonNode failure, String which) {
    String sha = failure.path(which + "_sha256").asText("");
    JsonNode size = failure.get(which + "_size");
    String text = sha.isEmpty() ? "-" : sha.length() > 12 ? sha.substring(0, 12) + "..." : sha;
    if (size != null && !size.isNull()) {
      text += " (" + size.asLong() + " B)";
    }
    return text;
  }

  private static String time(String iso) {
    if (iso == null) {
      return "--:--:--";
    }
    try {
      return TIME.format(Instant.parse(iso));
    } catch (DateTimeParseException e) {
      return "--:--:--";
    }
  }

  private static String pad(String text, int width) {
    return text.length() >= width ? text : text + " ".repeat(width - text.length());
  }
}
