package dev.scenegate.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.backfill.ByteRate;
import dev.scenegate.backfill.RateLimiter;
import dev.scenegate.backfill.TokenBucket;
import dev.scenegate.cli.CliCommand;
import dev.scenegate.cli.CliException;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.cli.Main;
import dev.scenegate.cli.SceneTarget;
import dev.scenegate.cli.StateLocation;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.LocalEventPublisher;
import dev.scenegate.events.PubSubConfig;
import dev.scenegate.events.PubSubEventPublisher;
import dev.scenegate.events.Topic;
import dev.scenegate.fleet.Deadlines;
import dev.scenegate.fleet.FleetReader;
import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.scene.SceneIds;
import dev.scenegate.storage.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scenegate audit}: the options, parsed by picocli, and the report; {@link Audit} audits.
 */
@Command(
    name = "audit",
    customSynopsis =
        "scenegate audit (--bucket B | --dir DIR) [--scene ID] [--deep] [--max-rate R]"
            + " [--state-prefix P] [--json]",
    header = "fixity: every file a passed checksum stage verified is still what was verified",
    description =
        """
        For every passed checksum stage (source_image, regen3d, variation_assets, usd), each
        file its manifest lists is still at the generation that was verified: metadata only,
        one listing per manifest folder and the digest ledger, no byte read. A file replaced
        (CHANGED), deleted (MISSING), or beside the manifest and not listed in it (UNTRACKED)
        is a finding; one fixity alert per scene with findings, listing them all. --deep
        re-reads and re-hashes every listed file within --max-rate and records the digests in
        the ledger (by "audit"). Alerts go to Pub/Sub when CHECKSUM_ALERTS_TOPIC is set; with
        --dir otherwise to DIR/_scenegate/events.jsonl, as local mode's.
        """,
    footer =
        """
        exit codes: 0 nothing found, 1 at least one finding, 2 bad input, or a scene or manifest
                    could not be audited (the states could not be listed, a manifest invalid)""")
public final class AuditCommand extends CliCommand {
  @Mixin StateLocation location;

  @Option(names = "--scene", paramLabel = "ID", description = "only this scene")
  String scene;

  @Option(names = "--deep", description = "re-read and re-hash every listed file")
  boolean deep;

  @Option(
      names = "--max-rate",
      paramLabel = "R",
      description = "with --deep: bytes read per second at most (e.g. 50MB/s, 64MiB/s)")
  String maxRate;

  @Option(
      names = "--json",
      description =
          "{\"scenes_audited\", \"files_checked\", \"bytes_hashed\", \"findings\": [{\"scene_id\","
              + " \"manifest\", \"path\", \"kind\", \"expected_generation\","
              + " \"actual_generation\", \"expected_sha256\", \"actual_sha256\"}], \"errors\":"
              + " [{\"scene_id\", \"message\"}]} on one line")
  boolean json;

  @Override
  protected int run() throws Exception {
    if (scene != null && !SceneIds.isValid(scene)) {
      throw CliException.usage(
          "invalid scene id '" + Main.oneLine(scene) + "' (expected " + SceneIds.PATTERN + ")");
    }
    RateLimiter rate = RateLimiter.unlimited();
    if (maxRate != null) {
      if (!deep) {
        throw CliException.usage("--max-rate paces --deep's reads: give --deep too");
      }
      try {
        rate = TokenBucket.of(ByteRate.parse(maxRate));
      } catch (IllegalArgumentException e) {
        throw CliException.usage("--max-rate: " + e.getMessage());
      }
    }
    Deadlines deadlines;
    try {
      deadlines = Deadlines.fromEnvironment(console().env());
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.BAD_INPUT, "CONFIG_INVALID", e.getMessage());
    }
    ObjectStore store = SceneTarget.store(location.bucket(), location.dir(), console());
    DigestLedger ledger =
        location.dir() != null
            ? DigestLedger.local(store)
            : DigestLedger.forBucket(store, store.bucket());
    Audit.Report report;
    try (FleetReader states =
            new FleetReader(
                store,
                location.statePrefix() == null
                    ? SceneStateStore.DEFAULT_PREFIX
                    : location.statePrefix(),
                deadlines,
                Clock.systemUTC(),
                FleetReader.DEFAULT_THREADS);
        EventPublisher alerts = alerts(store)) {
      try {
        report =
            new Audit(store, states, ledger, alerts, Clock.systemUTC(), new SimpleMeterRegistry())
                .run(new Audit.Options(scene, deep, rate));
      } catch (IOException | RuntimeException e) {
        throw new CliException(
            ExitCodes.BAD_INPUT,
            "STORAGE_ERROR",
            "cannot audit " + store.describe("") + ": " + Main.describe(e));
      }
    }
    if (json) {
      console().out().println(EventJson.MAPPER.writeValueAsString(report));
    } else {
      print(console().out(), report, !publishing);
    }
    if (!report.findings().isEmpty()) {
      console().err().println(oneLine(report));
      return ExitCodes.FAILED;
    }
    if (!report.errors().isEmpty()) {
      Audit.Problem first = report.errors().get(0);
      console()
          .err()
          .println(
              report.errors().size()
                  + " scene(s) could not be audited; first: "
                  + first.sceneId()
                  + ": "
                  + Main.oneLine(first.message()));
      return ExitCodes.BAD_INPUT;
    }
    return ExitCodes.OK;
  }

  /** Whether fixity alerts are published (somewhere). */
  private boolean publishing;

  /** Pub/Sub when CHECKSUM_ALERTS_TOPIC is set; local mode's events file with --dir; else none. */
  private EventPublisher alerts(ObjectStore store) throws CliException {
    Map<String, String> env = console().env();
    if (env.get("CHECKSUM_ALERTS_TOPIC") != null) {
      PubSubConfig config = PubSubConfig.fromEnvironment(env);
      try {
        config.topicPath(Topic.CHECKSUM_ALERTS);
      } catch (IllegalStateException e) {
        throw CliException.usage(
            "fixity alerts go to Pub/Sub but no project is known: set GOOGLE_CLOUD_PROJECT");
      }
      publishing = true;
      return new PubSubEventPublisher(config);
    }
    if (location.dir() != null) {
      publishing = true;
      Path events = Path.of(location.dir()).resolve("_scenegate").resolve("events.jsonl");
      return new LocalEventPublisher(events, null, Clock.systemUTC());
    }
    return null;
  }

  private static String oneLine(Audit.Report report) {
    return report.findings().size()
        + " finding(s) in "
        + report.findings().stream().map(AuditFinding::sceneId).distinct().count()
        + " scene(s): "
        + kinds(report);
  }

  private static String kinds(Audit.Report report) {
    StringBuilder text = new StringBuilder();
    report
        .byKind()
        .forEach(
            (kind, n) -> {
              if (text.length() > 0) {
                text.append(", ");
              }
              text.append(n).append(' ').append(kind.tag());
            });
    return text.toString();
  }

  private void print(PrintStream out, Audit.Report report, boolean noAlerts) {
    for (AuditFinding f : report.findings()) {
      out.println(
          f.kind().wireName()
              + "  "
              + Main.oneLine(f.sceneId())
              + "  "
              + Main.oneLine(folderOf(f.manifest()) + f.path())
              + "  verified generation "
              + (f.expectedGeneration() == null ? "-" : f.expectedGeneration())
              + ", now "
              + (f.actualGeneration() == null ? "-" : f.actualGeneration()));
    }
    for (Audit.Problem p : report.errors()) {
      out.println("ERROR  " + Main.oneLine(p.sceneId()) + "  " + Main.oneLine(p.message()));
    }
    out.println(
        "audited "
            + report.scenesAudited()
            + " scene(s), "
            + report.filesChecked()
            + " file(s), "
            + report.bytesHashed()
            + " byte(s) hashed: "
            + report.findings().size()
            + " finding(s) ("
            + kinds(report)
            + "), "
            + report.alertsRaised()
            + " fixity alert(s)"
            + (noAlerts && !report.findings().isEmpty()
                ? " (not published: CHECKSUM_ALERTS_TOPIC is not set)"
                : ""));
  }

  private static String folderOf(String manifest) {
    return manifest.substring(0, manifest.lastIndexOf('/') + 1);
  }

  @Override
  protected ObjectNode jsonFailure(CliException e) {
    ObjectNode root = EventJson.MAPPER.createObjectNode();
    root.put("scenes_audited", 0);
    root.put("files_checked", 0);
    root.put("bytes_hashed", 0);
    root.putArray("findings");
    root.putArray("errors");
    root.set("error", e.toJson());
    return root;
  }
}
