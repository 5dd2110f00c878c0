package dev.scenegate.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.storage.BucketNames;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.verify.FileFailure;
import dev.scenegate.verify.ManifestMissingException;
import dev.scenegate.verify.ManifestVersion;
import dev.scenegate.verify.UnreadableFilesException;
import dev.scenegate.verify.VerificationReport;
import dev.scenegate.verify.Verifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scenegate verify TARGET [--json] [--strict] [--threads N] [--reuse [--dir DIR |
 * --state-bucket S]]}.
 */
@Command(
    name = "verify",
    header = "verify a checksum manifest against the files beside it",
    description = {
      "Verifies every file a source_checksums.json lists: size first, then SHA-256, streamed.",
      "Outcomes per file: OK, MISSING, SIZE_MISMATCH (not hashed), SHA256_MISMATCH, and with"
          + " --strict UNLISTED."
    },
    footer = {
      "strict scope: every file below the manifest's folder, except a subfolder that holds its"
          + " own source_checksums.json; for a scene root's manifest"
          + " (scenes/<id>/source_checksums.json) the stage folders assets/, variation_assets/,"
          + " usd/, geniesim/, episodes/, episode-generation-job/, dwm/ and config.json;"
          + " dot-named files and folders (markers such as .regen3d_complete); scenegate's own"
          + " objects (_scenegate/, .failed). The manifest itself is never unlisted.",
      "",
      "exit codes: 0 all files verified, 1 a file failed verification (or is unlisted),",
      "            2 bad input: manifest missing or invalid (not JSON, unknown major",
      "            schema_version, bad digest or size, duplicate key, no files, a path that",
      "            could leave its folder), a listed file that cannot be read, a store that",
      "            cannot be reached (STORAGE_ERROR), bad arguments. One line on stderr; with",
      "            --json, \"error\" says which."
    })
public final class VerifyCommand extends CliCommand {
  @Parameters(
      index = "0",
      paramLabel = "TARGET",
      description =
          "a folder holding source_checksums.json, a manifest file, or gs://bucket/prefix (a"
              + " folder or a .json manifest object)")
  String given;

  @Option(
      names = "--json",
      description =
          "print one JSON object on stdout (target, manifest, ok, files_checked, bytes_hashed,"
              + " bytes_reused, duration_ms, error, failures, unlisted)")
  boolean json;

  @Option(
      names = "--strict",
      description =
          "also fail on files in the manifest's scope that it does not list (see strict scope)")
  boolean strict;

  @Option(
      names = "--reuse",
      description =
          "use the digest ledger scenegate keeps (a file whose generation and crc32c, locally"
              + " generation and size, a record vouches for is not read) and record what is"
              + " hashed; the ledger of --dir for a local TARGET, of --state-bucket for gs://")
  boolean reuse;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "with --reuse and a local TARGET: the folder local mode runs on (TARGET lies inside it;"
              + " its ledger is DIR/_scenegate/digests/)")
  String dir;

  @Option(
      names = "--state-bucket",
      paramLabel = "S",
      description =
          "with --reuse and a gs:// TARGET: the bucket holding the ledger in _scenegate/digests/"
              + " (default STATE_BUCKET, else the target's bucket)")
  String stateBucket;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "files hashed in parallel, 1..256 (default: available cores)")
  String threads;

  /** Resolved once the arguments are valid; named in the JSON answer. */
  private Target target;

  @Override
  protected int run() throws Exception {
    Console console = console();
    try {
      int threadCount = Numbers.positiveInt("--threads", threads, Verifier.defaultThreads(), 256);
      target = Target.resolve(given, console);
      DigestLedger ledger = DigestLedger.disabled();
      if (reuse) {
        target = withinLedgerRoot(target, console);
        ledger = ledger(target, console);
      } else if (dir != null || stateBucket != null) {
        throw CliException.usage(
            (dir != null ? "--dir" : "--state-bucket") + " only applies with --reuse");
      }
      ManifestVersion manifest = readManifest(target, threadCount, console);
      VerificationReport report =
          verify(target, manifest, ledger, threadCount, strict, json, console);
      if (json) {
        console.out().println(toJson(given, target.manifestDescription(), report, null));
      } else {
        printHuman(console, target, report);
      }
      if (!report.ok()) {
        console.err().println("scenegate verify: " + summary(report, target));
        return ExitCodes.FAILED;
      }
      return ExitCodes.OK;
    } catch (ManifestInvalidException e) {
      throw invalid(e.getMessage());
    } catch (UnreadableFilesException e) {
      throw invalid(e.getMessage());
    } catch (CliException e) {
      throw e;
    } catch (Exception | Error e) {
      CliException storage = StorageErrors.classify(e, console.env());
      if (storage != null) {
        throw storage;
      }
      // An asset that cannot be read (permission denied, an I/O error): the target cannot be
      // verified as its manifest describes, which is bad input rather than a file that failed.
      throw invalid("cannot verify: " + Main.describe(e));
    }
  }

  @Override
  protected ObjectNode jsonFailure(CliException e) {
    String manifest = target == null ? null : target.manifestDescription();
    return toJson(given, manifest, null, e.toJson());
  }

  private static ManifestVersion readManifest(Target target, int threads, Console console)
      throws CliException, ManifestInvalidException {
    Verifier reader = new Verifier(target.store(), threads, new SimpleMeterRegistry());
    try {
      return reader.readManifest(target.manifestObject());
    } catch (ManifestMissingException e) {
      throw new CliException(ExitCodes.BAD_INPUT, "MANIFEST_MISSING", e.getMessage());
    } catch (IOException | RuntimeException e) {
      CliException storage = StorageErrors.classify(e, console.env());
      if (storage != null) {
        throw storage;
      }
      throw invalid("cannot read manifest: " + Main.describe(e));
    }
  }

  private static VerificationReport verify(
      Target target,
      ManifestVersion manifest,
      DigestLedger ledger,
      int threads,
      boolean strict,
      boolean json,
      Console console)
      throws IOException, ManifestInvalidException {
    Progress progress = null;
    if (console.interactive() && !json) {
      long total = manifest.manifest().files().stream().mapToLong(ManifestEntry::sizeBytes).sum();
      progress = Progress.start(console.err(), "verifying", total);
    }
    Verifier verifier =
        new Verifier(
                target.store(),
                threads,
                new SimpleMeterRegistry(),
                progress == null ? n -> {} : progress::add)
            .withLedger(ledger);
    Progress shown = progress;
    // Ctrl-C or SIGTERM: the progress line is ended, the stop said on its own line, exit 0
    // (DESIGN "Signals"): a verification reads only, so there is nothing to undo.
    try (StopSignals signals = StopSignals.install(() -> stoppedByUser(shown, console))) {
      return verifier.verify(target.manifestObject(), manifest, strict);
    } finally {
      if (progress != null) {
        progress.stop();
      }
    }
  }

  /**
   * With --reuse a local TARGET is named from --dir, the folder local mode runs on, so that its
   * objects carry the names the ledger records them under ({@code scenes/<id>/assets/...}).
   */
  private Target withinLedgerRoot(Target resolved, Console console) throws CliException {
    boolean gcs = given.startsWith("gs://");
    if (gcs) {
      if (dir != null) {
        throw CliException.usage("--dir applies to a local TARGET; for gs:// use --state-bucket");
      }
      return resolved;
    }
    if (stateBucket != null) {
      throw CliException.usage("--state-bucket applies to a gs:// TARGET; for a folder use --dir");
    }
    if (dir == null) {
      throw CliException.usage(
          "--reuse with a local TARGET needs --dir DIR, the folder local mode runs on");
    }
    Path root = LocalPaths.of(dir, "--dir");
    if (!Files.isDirectory(root)) {
      throw CliException.usage("--dir: no such folder: " + dir);
    }
    Path manifest =
        ((LocalObjectStore) resolved.store())
            .root()
            .resolve(resolved.manifestObject())
            .toAbsolutePath()
            .normalize();
    Path base = root.toAbsolutePath().normalize();
    if (!manifest.startsWith(base) || manifest.equals(base)) {
      throw CliException.usage("TARGET " + given + " is not inside --dir " + dir);
    }
    String object = base.relativize(manifest).toString().replace(java.io.File.separatorChar, '/');
    return new Target(resolved.given(), new LocalObjectStore(base), object);
  }

  /** The ledger of the target's bucket (DESIGN "Digest ledger"), as the backfill finds it. */
  private DigestLedger ledger(Target target, Console console) throws CliException {
    if (target.store() instanceof LocalObjectStore) {
      return DigestLedger.local(target.store());
    }
    String bucket = target.store().bucket();
    String state = stateBucket != null ? stateBucket : console.env("STATE_BUCKET", null);
    if (state == null || state.isBlank() || state.equals(bucket)) {
      return DigestLedger.forBucket(target.store(), bucket);
    }
    Optional<String> bad = BucketNames.problem(state);
    if (bad.isPresent()) {
      throw CliException.usage("--state-bucket: " + bad.get());
    }
    return DigestLedger.forBucket(GcsTargets.open(state, console), bucket);
  }

  private static void stoppedByUser(Progress progress, Console console) {
    if (progress != null) {
      progress.interrupted();
    }
    console.err().println("scenegate verify: stopped by the user before every file was verified");
    console.err().flush();
    console.out().flush();
    Runtime.getRuntime().halt(ExitCodes.OK);
  }

  private static CliException invalid(String message) {
    return new CliException(ExitCodes.BAD_INPUT, "MANIFEST_INVALID", message);
  }

  private static String summary(VerificationReport report, Target target) {
    StringBuilder text = new StringBuilder();
    text.append(report.failures().size())
        .append(" of ")
        .append(Plural.of(report.filesChecked(), "file"))
        .append(" failed verification");
    if (!report.unlisted().isEmpty()) {
      text.append(", ").append(report.unlisted().size()).append(" unlisted");
    }
    return text.append(" (").append(target.manifestDescription()).append(')').toString();
  }

  /**
   * The {@code verify --json} answer (DESIGN "Command line"), bound through {@link
   * EventJson#MAPPER}: keys in component order, nulls written. {@code error} is the failure's
   * {@code {code, message}} or null.
   */
  record Report(
      String target,
      String manifest,
      boolean ok,
      int filesChecked,
      long bytesHashed,
      long bytesReused,
      long durationMs,
      ObjectNode error,
      List<ChecksumAlert.Failure> failures,
      List<String> unlisted) {

    static Report of(String target, String manifest, VerificationReport report, ObjectNode error) {
      if (report == null) {
        return new Report(target, manifest, false, 0, 0, 0, 0, error, List.of(), List.of());
      }
      return new Report(
          target,
          manifest,
          report.ok(),
          report.filesChecked(),
          report.bytesHashed(),
          report.bytesReused(),
          report.durationMs(),
          error,
          report.failures().stream().map(ChecksumAlert.Failure::of).toList(),
          List.copyOf(report.unlisted()));
    }
  }

  static ObjectNode toJson(
      String target, String manifest, VerificationReport report, ObjectNode error) {
    return EventJson.MAPPER.valueToTree(Report.of(target, manifest, report, error));
  }

  private static void printHuman(Console console, Target target, VerificationReport report) {
    for (FileFailure f : report.failures()) {
      switch (f.kind()) {
        case MISSING -> console.out().printf("MISSING          %s%n", f.path());
        case SIZE_MISMATCH ->
            console
                .out()
                .printf(
                    "SIZE_MISMATCH    %s  expected %d bytes, found %d%n",
                    f.path(), f.expectedSize(), f.actualSize());
        default ->
            console
                .out()
                .printf(
                    "SHA256_MISMATCH  %s%n                 expected %s%n                 actual   %s%n",
                    f.path(), f.expectedSha256(), f.actualSha256());
      }
    }
    for (String path : report.unlisted()) {
      console.out().printf("UNLISTED         %s%n", path);
    }
    String where = target.manifestDescription();
    if (report.ok()) {
      console
          .out()
          .printf(
              "OK  %s, %s hashed in %d ms  (%s)%n",
              Plural.of(report.filesChecked(), "file"),
              Progress.bytes(report.bytesHashed()),
              report.durationMs(),
              where);
    } else {
      console
          .out()
          .printf(
              "FAILED  %d of %s failed, %d unlisted  (%s)%n",
              report.failures().size(),
              Plural.of(report.filesChecked(), "file"),
              report.unlisted().size(),
              where);
    }
  }
}
