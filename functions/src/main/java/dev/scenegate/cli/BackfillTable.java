package dev.scenegate.cli;

import dev.scenegate.backfill.ArtifactType;
import dev.scenegate.backfill.BackfillSummary;
import dev.scenegate.backfill.Counts;
import dev.scenegate.backfill.DriftEvent;
import dev.scenegate.backfill.ManifestNote;
import dev.scenegate.backfill.Skipped;
import java.io.PrintStream;
import java.util.List;

/** The table {@code scenegate backfill} prints as its summary when not asked for {@code --json}. */
final class BackfillTable {
  /** Lists at most this many skipped objects / drift events in the table (JSON has all). */
  private static final int TABLE_LIST_LIMIT = 50;

  private BackfillTable() {}

  static void print(PrintStream out, BackfillSummary s) {
    out.printf(
        "backfill %s  task %d of %d%s%s%n",
        shown(s.target()),
        s.shard().index(),
        s.shard().count(),
        s.dryRun() ? "  DRY RUN (nothing read or written)" : "",
        s.complete() ? "" : "  STOPPED before the end (run again to resume)");
    if (s.resumedFrom() != null) {
      out.printf(
          "resumed after %s (totals include the earlier runs)%n", shown(s.resumedFrom().name()));
    }
    String updated = s.dryRun() ? "to hash" : "updated";
    out.printf(
        "%-14s %9s %9s %9s %7s %9s %11s %14s%n",
        "artifact type",
        "scanned",
        updated,
        "current",
        "drift",
        "no file",
        "unreadable",
        s.dryRun() ? "bytes to hash" : "bytes hashed");
    for (ArtifactType type : s.types()) {
      row(out, type.wireName(), s.countsOf(type), s.dryRun());
    }
    row(out, "total", s.total(), s.dryRun());
    Counts t = s.total();
    if (t.knownDrift() > 0) {
      out.printf(
          "known drift: %d (disagreements with a manifest already alerted by an earlier run)%n",
          t.knownDrift());
    }
    if (t.skippedAlertFailed() > 0) {
      out.printf(
          "drift alerts not published: %d (hash not recorded; the next run reports them again)%n",
          t.skippedAlertFailed());
    }
    out.printf(
        "manifests %s: %d   existing (left as they are): %d%n",
        s.dryRun() ? "to create" : "created", s.manifestsCreated().size(), s.manifestsExisting());
    for (ManifestNote note : s.manifestsNotCreated()) {
      out.printf("  not created  %s: %s%n", shown(note.object()), shown(note.reason()));
    }
    for (ManifestNote note : s.manifestsInvalid()) {
      out.printf("  invalid      %s: %s%n", shown(note.object()), shown(note.reason()));
    }
    List<DriftEvent> drift = s.drift();
    if (!drift.isEmpty()) {
      out.println("drift:");
      for (DriftEvent d : drift.subList(0, Math.min(drift.size(), TABLE_LIST_LIMIT))) {
        out.printf("  %s  #%d%n", shown(d.object()), d.generation());
        if (d.metadataSha256() != null) {
          out.printf("    metadata had %s%n", shown(d.metadataSha256()));
        }
        if (d.manifestSha256() != null) {
          out.printf("    manifest has %s (%s)%n", d.manifestSha256(), shown(d.manifest()));
        }
        out.printf("    content is   %s%n", d.actualSha256());
      }
      more(out, drift.size());
    }
    List<Skipped> skipped = s.skipped();
    if (!skipped.isEmpty()) {
      out.println("skipped:");
      for (Skipped k : skipped.subList(0, Math.min(skipped.size(), TABLE_LIST_LIMIT))) {
        out.printf(
            "  %-12s %s%s%n",
            k.reason(),
            shown(k.object()),
            k.detail() == null ? "" : "  (" + shown(k.detail()) + ")");
      }
      more(out, skipped.size());
    }
    out.printf(
        "this run: %d files, %s hashed in %.1f s%n",
        s.thisRunFilesHashed(), Progress.bytes(s.thisRunBytesHashed()), s.durationMs() / 1000.0);
  }

  private static void row(PrintStream out, String label, Counts c, boolean dryRun) {
    out.printf(
        "%-14s %9d %9d %9d %7d %9d %11d %14s%n",
        label,
        c.scanned(),
        dryRun ? c.wouldUpdate() : c.updated(),
        c.alreadyCurrent(),
        c.driftEvents(),
        c.skippedNoFile(),
        c.skippedUnreadable() + c.skippedAlertFailed(),
        Progress.bytes(dryRun ? c.bytesToHash() : c.bytesHashed()));
  }

  /** Object names can hold any character: escape control characters so a row stays one line. */
  static String shown(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static void more(PrintStream out, int size) {
    if (size > TABLE_LIST_LIMIT) {
      out.printf("  ... and %d more (see --json)%n", size - TABLE_LIST_LIMIT);
    }
  }
}
