package dev.scenegate.alerts;

import dev.scenegate.events.AlertKind;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.scene.SceneIds;
import java.util.List;

/**
 * The alert as words for the person on call: scene, stage, manifest, every failing file (up to a
 * cap) with expected and actual hash and size and the object to look at, and the remediation steps
 * of seed 000. One builder, two markups: plain text (CLI, the generic webhook's {@code text}) and
 * Slack mrkdwn. Every value from the message is sanitised: control characters cannot forge lines,
 * and in Slack {@code <}, {@code >} and {@code &} cannot form mentions or links.
 */
public final class AlertText {
  /** Failing files listed before "... and N more". */
  public static final int DEFAULT_MAX_LISTED_FAILURES = 20;

  /** Values longer than this (a hostile path, say) are shortened. */
  static final int MAX_VALUE_CHARS = 400;

  /** Slack cuts messages at 40,000 characters; stay well below. */
  static final int MAX_TEXT_CHARS = 30_000;

  private final int maxListedFailures;

  public AlertText(int maxListedFailures) {
    if (maxListedFailures < 1) {
      throw new IllegalArgumentException("maxListedFailures must be >= 1");
    }
    this.maxListedFailures = maxListedFailures;
  }

  public static AlertText standard() {
    return new AlertText(DEFAULT_MAX_LISTED_FAILURES);
  }

  public String plain(ReceivedAlert alert) {
    return render(alert, Markup.PLAIN);
  }

  public String slack(ReceivedAlert alert) {
    return render(alert, Markup.SLACK);
  }

  private String render(ReceivedAlert received, Markup m) {
    ChecksumAlert alert = received.alert();
    boolean freshness = AlertKind.FRESHNESS.wireName().equals(alert.kind());
    boolean fixity = AlertKind.FIXITY.wireName().equals(alert.kind());
    StringBuilder text = new StringBuilder();
    String severity = alert.severity() == null ? "critical" : alert.severity();
    text.append(m.headline(severity, title(alert.kind()), m.code(alert.sceneId()))).append('\n');
    text.append(m.bold("Scene:"))
        .append(' ')
        .append(m.code(alert.sceneId()))
        .append("   ")
        .append(m.bold("Stage:"))
        .append(' ')
        .append(m.text(stage(received)))
        .append('\n');
    if (freshness) {
      freshness(received, m, text);
    } else if (alert.manifest() != null) {
      text.append(m.bold("Manifest:"))
          .append(' ')
          .append(m.code(objectUri(alert.bucket(), alert.manifest())))
          .append('\n');
      text.append(m.bold("Look at:"))
          .append(' ')
          .append(m.code(objectUri(alert.bucket(), folderOf(alert.manifest()))))
          .append('\n');
    } else if (alert.bucket() != null) {
      text.append(m.bold("Bucket:"))
          .append(' ')
          .append(m.code(objectUri(alert.bucket(), SceneIds.folder(alert.sceneId()))))
          .append('\n');
    }
    text.append(m.bold("Alert:"))
        .append(' ')
        .append(m.code(alert.alertId()))
        .append("   ")
        .append(m.bold("Occurred:"))
        .append(' ')
        .append(m.text(alert.occurredAt() == null ? "unknown" : alert.occurredAt()))
        .append('\n');

    List<ChecksumAlert.Failure> failures = alert.failures();
    // A freshness alert lists no files (DESIGN: failures []); say nothing rather than "none".
    if (!freshness || !failures.isEmpty()) {
      String heading = fixity ? "Findings (" : "Failing files (";
      text.append('\n').append(m.bold(heading + failures.size() + "):")).append('\n');
      if (failures.isEmpty()) {
        text.append("(none listed in the alert)\n");
      }
    }
    int listed = Math.min(failures.size(), maxListedFailures);
    // Failure paths are relative to the manifest's folder, or to the scene's without a manifest.
    String folder =
        alert.manifest() != null
            ? folderOf(alert.manifest())
            : fixity ? SceneIds.folder(alert.sceneId()) : null;
    for (int i = 0; i < listed; i++) {
      ChecksumAlert.Failure f = failures.get(i);
      text.append(m.bullet())
          .append(m.code(f.path()))
          .append(" — ")
          .append(m.text(f.kind() == null ? "FAILED" : f.kind()))
          .append('\n');
      if (fixity) {
        text.append("    verified: ").append(verified(m, f)).append('\n');
        text.append("    now:      ").append(now(m, f)).append('\n');
      } else {
        if (f.expectedSha256() != null || f.expectedSize() != null) {
          text.append("    expected: ")
              .append(hashAndSize(m, f.expectedSha256(), f.expectedSize()));
          text.append('\n');
        }
        text.append("    actual:   ").append(actual(m, f)).append('\n');
      }
      if (folder != null) {
        text.append("    object:   ")
            .append(m.code(objectUri(alert.bucket(), folder + f.path())))
            .append('\n');
      }
    }
    if (failures.size() > listed) {
      text.append("... and ")
          .append(failures.size() - listed)
          .append(" more (all are in the alert JSON");
      if (fixity) {
        text.append("; list them with ")
            .append(m.code("scenegate audit --scene " + alert.sceneId()));
      } else if (alert.manifest() != null && alert.bucket() != null) {
        text.append("; list them with ")
            .append(m.code("scenegate verify " + objectUri(alert.bucket(), folder)));
      }
      text.append(")\n");
    }

    text.append('\n').append(m.bold("Remediation:")).append('\n');
    List<String> steps = remediation(alert);
    if (steps.isEmpty()) {
      text.append("(none given)\n");
    }
    for (int i = 0; i < steps.size(); i++) {
      text.append(i + 1).append(". ").append(m.text(steps.get(i))).append('\n');
    }
    String producer = freshness ? null : producer(alert);
    if (producer != null) {
      text.append("This manifest was written by ")
          .append(m.code(producer))
          .append(": re-run it for scene ")
          .append(m.code(alert.sceneId()))
          .append(".\n");
    }
    return cap(text.toString());
  }

  /** A stage past its deadline: its status and since when, what it waits for, its marker. */
  private static void freshness(ReceivedAlert received, Markup m, StringBuilder text) {
    ChecksumAlert alert = received.alert();
    text.append(m.bold("Status:"))
        .append(' ')
        .append(m.text(received.status() == null ? "unknown" : received.status()))
        .append(" since ")
        .append(m.text(received.since() == null ? "an unknown time" : received.since()))
        .append(" (past its deadline)\n");
    if (received.waitingFor() != null) {
      text.append(m.bold("Waiting for:"))
          .append(' ')
          .append(m.text(received.waitingFor()))
          .append('\n');
    }
    String marker = received.markerObject();
    if (marker != null) {
      text.append(m.bold("Marker:")).append(' ').append(m.code(objectUri(alert.bucket(), marker)));
      if (received.markerGeneration() != null) {
        text.append(" (generation ").append(m.text(received.markerGeneration())).append(')');
      }
      text.append('\n');
      text.append(m.bold("Look at:"))
          .append(' ')
          .append(m.code(objectUri(alert.bucket(), folderOf(marker))))
          .append('\n');
    } else if (alert.bucket() != null) {
      text.append(m.bold("Look at:"))
          .append(' ')
          .append(m.code(objectUri(alert.bucket(), SceneIds.folder(alert.sceneId()))))
          .append('\n');
    }
  }

  /** A fixity finding: the generation and digest that were verified. */
  private static String verified(Markup m, ChecksumAlert.Failure f) {
    if ("UNTRACKED".equals(f.kind())) {
      return "not in the manifest";
    }
    return generationAndHash(m, f.expectedGeneration(), f.expectedSha256());
  }

  /** A fixity finding: what the bucket holds now. */
  private static String now(Markup m, ChecksumAlert.Failure f) {
    if ("MISSING".equals(f.kind()) && f.actualGeneration() == null) {
      return "object not found";
    }
    return generationAndHash(m, f.actualGeneration(), f.actualSha256());
  }

  private static String generationAndHash(Markup m, Long generation, String sha) {
    if (generation == null && sha == null) {
      return "unknown";
    }
    StringBuilder text = new StringBuilder();
    if (generation != null) {
      text.append("generation ").append(generation);
    }
    if (sha != null) {
      text.append(generation != null ? ", " : "").append("sha256 ").append(m.code(sha));
    } else if (generation != null) {
      text.append(", not hashed");
    }
    return text.toString();
  }

  static String title(String kind) {
    return switch (kind) {
      case "checksum_failure" -> "checksum failure";
      case "drift" -> "checksum drift";
      case "gate_failure" -> "quality gate failure";
      case "freshness" -> "stage past its deadline";
      case "fixity" -> "fixity audit: verified files changed";
      default -> kind;
    };
  }

  /**
   * The producer's steps; for a checksum failure or drift without any, the seed-000 steps (the
   * other kinds' steps depend on what was found, and only their producer knows them).
   */
  static List<String> remediation(ChecksumAlert alert) {
    if (!alert.remediation().isEmpty()) {
      return alert.remediation();
    }
    return alert.kind().equals("checksum_failure") || alert.kind().equals("drift")
        ? ChecksumAlert.REMEDIATION
        : List.of();
  }

  /**
   * The stage named in the alert, else what its manifest implies (seed 000: the scene-root manifest
   * is the source image's, {@code assets/} holds the reconstructed assets).
   */
  static String stage(ReceivedAlert received) {
    String stage = received.stage();
    if (stage != null && !stage.isBlank()) {
      return stage;
    }
    String rest = manifestInScene(received.alert());
    if (rest == null) {
      return "unknown";
    }
    if (!rest.contains("/")) {
      return "source_image (from the manifest's folder)";
    }
    if (rest.startsWith("assets/")) {
      return "regen3d assets (from the manifest's folder)";
    }
    return "unknown";
  }

  /** Seed 000: who wrote the manifest, so who to re-run. */
  static String producer(ChecksumAlert alert) {
    String rest = manifestInScene(alert);
    if (rest == null) {
      return null;
    }
    if (!rest.contains("/")) {
      return "scene-generation-job";
    }
    return rest.startsWith("assets/") ? "regen3d-job" : null;
  }

  /** The alert's manifest relative to its scene folder; null when it is not in that folder. */
  private static String manifestInScene(ChecksumAlert alert) {
    String manifest = alert.manifest();
    String sceneFolder = SceneIds.folder(alert.sceneId());
    if (manifest == null || !manifest.startsWith(sceneFolder)) {
      return null;
    }
    return manifest.substring(sceneFolder.length());
  }

  private static String actual(Markup m, ChecksumAlert.Failure f) {
    if ("MISSING".equals(f.kind()) && f.actualSize() == null) {
      return "object not found";
    }
    if (f.actualSha256() == null && f.actualSize() == null) {
      return "unknown";
    }
    if (f.actualSha256() == null) {
      return "not hashed, " + size(f.actualSize());
    }
    return hashAndSize(m, f.actualSha256(), f.actualSize());
  }

  private static String hashAndSize(Markup m, String sha, Long size) {
    StringBuilder text = new StringBuilder();
    if (sha != null) {
      text.append("sha256 ").append(m.code(sha));
    }
    if (size != null) {
      text.append(sha != null ? ", " : "").append(size(size));
    }
    return text.toString();
  }

  private static String size(Long size) {
    return size == 1 ? "1 byte" : size + " bytes";
  }

  /** {@code gs://bucket/name}, or just the name when the bucket is unknown. */
  static String objectUri(String bucket, String name) {
    return bucket == null || bucket.isBlank() ? name : "gs://" + bucket + "/" + name;
  }

  static String folderOf(String manifest) {
    int slash = manifest.lastIndexOf('/');
    return slash < 0 ? "" : manifest.substring(0, slash + 1);
  }

  private static String cap(String text) {
    if (text.length() <= MAX_TEXT_CHARS) {
      return text;
    }
    return text.substring(0, MAX_TEXT_CHARS) + "\n... (message shortened; see the alert JSON)\n";
  }

  /** Visible escapes for control characters, and a length cap, for one value. */
  static String sanitize(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_VALUE_CHARS + 8));
    for (int i = 0; i < value.length() && out.length() < MAX_VALUE_CHARS; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (out.length() >= MAX_VALUE_CHARS && value.length() > MAX_VALUE_CHARS) {
      out.append("...");
    }
    return out.toString();
  }

  private enum Markup {
    PLAIN {
      @Override
      String headline(String severity, String title, String scene) {
        return "["
            + sanitize(severity).toUpperCase(java.util.Locale.ROOT)
            + "] scenegate "
            + title
            + " in scene "
            + scene;
      }

      @Override
      String bold(String text) {
        return text;
      }

      @Override
      String code(String value) {
        return sanitize(value);
      }

      @Override
      String text(String value) {
        return sanitize(value);
      }

      @Override
      String bullet() {
        return "- ";
      }
    },
    SLACK {
      @Override
      String headline(String severity, String title, String scene) {
        return ":rotating_light: *scenegate "
            + text(severity).toUpperCase(java.util.Locale.ROOT)
            + ": "
            + title
            + "* in scene "
            + scene;
      }

      @Override
      String bold(String text) {
        return "*" + text + "*";
      }

      @Override
      String code(String value) {
        String escaped = text(value);
        // A backtick inside would end the code span early; such values go out unformatted.
        return escaped.indexOf('`') >= 0 ? escaped : "`" + escaped + "`";
      }

      @Override
      String text(String value) {
        // Slack's three control characters; everything else is literal in mrkdwn text.
        return sanitize(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
      }

      @Override
      String bullet() {
        return "• ";
      }
    };

    abstract String headline(String severity, String title, String scene);

    abstract String bold(String text);

    abstract String code(String value);

    abstract String text(String value);

    abstract String bullet();
  }
}
