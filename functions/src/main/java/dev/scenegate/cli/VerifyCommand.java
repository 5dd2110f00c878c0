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
import java.io.IOException;
import java.util.List;
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
          --strict     also fail on files below the manifest's folder that it does not list
                       (the manifest itself, dot-named markers such as .regen3d_complete and
                       anything in a dot-named folder are never unlisted)
          --threads N  files hashed in parallel, 1..256 (default: available cores)

        outcomes per file: OK, MISSING, SIZE_MISMATCH (not hashed), SHA256_MISMATCH,
        and with --strict UNLISTED.

        exit codes: 0 all files verified, 1 a file failed verification (or is unlisted),
                    2 bad input: manifest missing or invalid (not JSON, unknown major
                    schema_version, bad digest or size, duplicate key, no files, a path
                    that could leave its folder), a listed file that cannot be read,
                    bad arguments. One line on stderr; with --json, "error" says which.
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
  public int rejectArguments(List<String> rawArgs, CliException problem, Console console)
      throws CliException {
    int end = rawArgs.indexOf("--");
    List<String> options = end < 0 ? rawArgs : rawArgs.subList(0, end);
    if (!options.contains("--json")) {
      throw problem;
    }
    String target = null;
    for (int i = 0; i < options.size() && target == null; i++) {
      String arg = options.get(i);
      if (valueOptions().contains(arg.replaceFirst("^--", ""))) {
        i++; // skip the option's value
      } else if (!arg.startsWith("-")) {
        target = arg;
      }
    }
    return fail(console, true, target, null, problem);
  }

  @Override
  public int run(Args args, Console console) throws Exception {
    boolean json = args.flag("json");
    String given = args.positional().isEmpty() ? null : args.positional().get(0);
    Target target = null;
    try {
      args.expectPositional(1, "TARGET");
      int threads = args.positiveInt("threads", Verifier.defaultThreads(), 256);
      target = Target.resolve(given, console);
      ChecksumManifest manifest = readManifest(target, threads);
      VerificationReport report =
          verify(target, manifest, threads, args.flag("strict"), json, console);
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
    } catch (CliException e) {
      return fail(console, json, given, target, e);
    } catch (ManifestInvalidException e) {
      return fail(console, json, given, target, invalid(e.getMessage()));
    } catch (Exception | Error e) {
      // An asset that cannot be read (permission denied, an I/O error): the target cannot be
      // verified as its manifest describes, which is bad input rather than a file that failed.
      return fail(console, json, given, target, invalid("cannot verify: " + Main.describe(e)));
    }
  }

  private static ChecksumManifest readManifest(Target target, int threads)
      throws CliException, ManifestInvalidException {
    Verifier reader = new Verifier(target.store(), threads, new SimpleMeterRegistry());
    try {
      return reader.readManifest(target.manifestObject());
    } catch (ManifestMissingException e) {
      throw new CliException(ExitCodes.BAD_INPUT, "MANIFEST_MISSING", e.getMessage());
    } catch (IOException | RuntimeException e) {
      throw invalid("cannot read manifest: " + Main.describe(e));
    }
  }

  private static VerificationReport verify(
      Target target,
      ChecksumManifest manifest,
      int threads,
      boolean strict,
      boolean json,
      Console console)
      throws IOException, ManifestInvalidException {
    Progress progress = null;
    if (console.interactive() && !json) {
      long total = manifest.files().stream().mapToLong(ManifestEntry::sizeBytes).sum();
      progress = Progress.start(console.err(), "verifying", total);
    }
    Verifier verifier =
        new Verifier(
            target.store(),
            threads,
            new SimpleMeterRegistry(),
            progress == null ? n -> {} : progress::add);
    try {
      return verifier.verify(target.manifestObject(), manifest, strict);
    } finally {
      if (progress != null) {
        progress.stop();
      }
    }
  }

  private static CliException invalid(String message) {
    return new CliException(ExitCodes.BAD_INPUT, "MANIFEST_INVALID", message);
  }

  private static String summary(VerificationReport report, Target target) {
    StringBuilder text = new StringBuilder();
    text.append(report.failures().size())
        .append(" of ")
        .append(report.filesChecked())
        .append(" files failed verification");
    if (!report.unlisted().isEmpty()) {
      text.append(", ").append(report.unlisted().size()).append(" unlisted");
    }
    return text.append(" (").append(target.manifestDescription()).append(')').toString();
  }

  /**
   * Ends with exit 2: with {@code --json} one JSON object on stdout carrying {@code error}, and
   * always one line on stderr.
   */
  private static int fail(
      Console console, boolean json, String given, Target target, CliException e)
      throws CliException {
    if (!json) {
      throw e;
    }
    String manifest = target == null ? null : target.manifestDescription();
    console.out().println(toJson(given, manifest, null, e.toJson()));
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
    String where = target.manifestDescription();
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
