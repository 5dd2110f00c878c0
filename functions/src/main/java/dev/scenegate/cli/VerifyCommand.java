package dev.scenegate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.verify.FileFailure;
import dev.scenegate.verify.ManifestMissingException;
import dev.scenegate.verify.VerificationReport;
import dev.scenegate.verify.Verifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;

/** {@code scenegate verify TARGET [--json] [--strict] [--threads N]}. */
public final class VerifyCommand implements Command {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "verify";
  }

  @Override
  public String summary() {
    return "verify a checksum manifest against the files beside it";
  }

  @Override
  public String help() {
    return """
        usage: scenegate verify TARGET [--json] [--strict] [--threads N]

        Verifies every file a source_checksums.json lists: size first, then SHA-256, streamed.

        TARGET   a folder holding source_checksums.json, a manifest file,
                 or gs://bucket/prefix (a folder or a .json manifest object)

        options:
          --json       print one JSON object on stdout (target, manifest, ok, files_checked,
                       bytes_hashed, duration_ms, error, failures, unlisted)
          --strict     also fail on files beside the manifest that it does not list
                       (the manifest itself and dot-named markers are never unlisted)
          --threads N  files hashed in parallel (default: available cores)

        exit codes: 0 all files verified, 1 a file failed verification,
                    2 bad input (missing or invalid manifest, bad arguments)
        """;
  }

  @Override
  public Set<String> flags() {
    return Set.of("json", "strict");
  }

  @Override
  public Set<String> valueOptions() {
    return Set.of("threads");
  }

  @Override
  public int run(Args args, Console console) throws Exception {
    boolean json = args.flag("json");
    String given = args.positional().isEmpty() ? null : args.positional().get(0);
    try {
      args.expectPositional(1, "TARGET");
      int threads = args.positiveInt("threads", Verifier.defaultThreads(), 256);
      Target target = Target.resolve(given, console);
      Verifier verifier;
      ChecksumManifest manifest;
      Progress progress = null;
      try {
        Verifier reader = new Verifier(target.store(), threads, new SimpleMeterRegistry());
        manifest = reader.readManifest(target.manifestObject());
        if (console.interactive() && !json) {
          long total = manifest.files().stream().mapToLong(ManifestEntry::sizeBytes).sum();
          progress = Progress.start(console.err(), "verifying", total);
        }
        verifier =
            new Verifier(
                target.store(),
                threads,
                new SimpleMeterRegistry(),
                progress == null ? n -> {} : progress::add);
      } catch (ManifestMissingException e) {
        throw new CliException(ExitCodes.BAD_INPUT, "MANIFEST_MISSING", e.getMessage());
      }
      VerificationReport report;
      try {
        report = verifier.verify(target.manifestObject(), manifest, args.flag("strict"));
      } finally {
        if (progress != null) {
          progress.stop();
        }
      }
      if (json) {
        console
            .out()
            .println(toJson(given, target.store().describe(target.manifestObject()), report, null));
      } else {
        printHuman(console, target, report);
      }
      return report.ok() ? ExitCodes.OK : ExitCodes.FAILED;
    } catch (ManifestInvalidException e) {
      return fail(
          console,
          json,
          given,
          new CliException(ExitCodes.BAD_INPUT, "MANIFEST_INVALID", e.getMessage()));
    } catch (CliException e) {
      return fail(console, json, given, e);
    }
  }

  private int fail(Console console, boolean json, String given, CliException e)
      throws CliException {
    if (!json) {
      throw e;
    }
    ObjectNode error = JSON.createObjectNode();
    error.put("kind", e.kind());
    error.put("message", Main.oneLine(e.getMessage()));
    console.out().println(toJson(given, null, null, error));
    console.err().println("scenegate verify: " + Main.oneLine(e.getMessage()));
    return e.exitCode();
  }

  static ObjectNode toJson(
      String target, String manifest, VerificationReport report, ObjectNode error) {
    ObjectNode root = JSON.createObjectNode();
    root.put("target", target);
    root.put("manifest", manifest);
    root.put("ok", report != null && report.ok());
    root.put("files_checked", report == null ? 0 : report.filesChecked());
    root.put("bytes_hashed", report == null ? 0 : report.bytesHashed());
    root.put("duration_ms", report == null ? 0 : report.durationMs());
    root.set("error", error);
    ArrayNode failures = root.putArray("failures");
    ArrayNode unlisted = root.putArray("unlisted");
    if (report != null) {
      for (FileFailure f : report.failures()) {
        ObjectNode node = failures.addObject();
        node.put("path", f.path());
        node.put("kind", f.kind().name());
        node.put("expected_sha256", f.expectedSha256());
        node.put("actual_sha256", f.actualSha256());
        node.put("expected_size", f.expectedSize());
        node.put("actual_size", f.actualSize());
      }
      report.unlisted().forEach(unlisted::add);
    }
    return root;
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
    String where = target.store().describe(target.manifestObject());
    if (report.ok()) {
      console
          .out()
          .printf(
              "OK  %d files, %s hashed in %d ms  (%s)%n",
              report.filesChecked(),
              Progress.bytes(report.bytesHashed()),
              report.durationMs(),
              where);
    } else {
      console
          .out()
          .printf(
              "FAILED  %d of %d files failed, %d unlisted  (%s)%n",
              report.failures().size(), report.filesChecked(), report.unlisted().size(), where);
    }
  }
}
