package dev.scenegate.cli;

import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestBuilder;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.PathEscapesException;
import dev.scenegate.verify.Verifier;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scenegate manifest DIR [--out FILE]}: writes a seed-format manifest for DIR. */
@Command(
    name = "manifest",
    header = "write a source_checksums.json for a folder, as the upstream jobs do",
    description = {
      "Hashes every file below DIR (SHA-256, streamed) and writes a seed-format manifest: files"
          + " sorted by path, generated_at in UTC ISO-8601, root = DIR's absolute path. The"
          + " manifest itself, dot-named markers (.regen3d_complete, ...) and anything in a"
          + " dot-named folder are left out. Keys are relative to DIR, so the manifest verifies"
          + " when it sits in DIR (the default --out)."
    },
    footer = {
      "exit codes: 0 written, 2 bad input (no such folder, nothing to list, a name a manifest",
      "            cannot hold, a symlink leading out of DIR, --out in a missing or read-only",
      "            folder, bad arguments)"
    })
public final class ManifestCommand extends CliCommand {

  @Parameters(index = "0", paramLabel = "DIR", description = "the folder to list")
  String given;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description =
          "where to write (default: DIR/source_checksums.json); its folder must exist; a pipe"
              + " or device such as /dev/stdout is written in place")
  String outOption;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "files hashed in parallel, 1..256 (default: available cores)")
  String threadsOption;

  @Override
  protected int run() throws Exception {
    Console console = console();
    int threads = Numbers.positiveInt("--threads", threadsOption, Verifier.defaultThreads(), 256);
    Path dir = LocalPaths.of(given, "DIR");
    Path out =
        outOption == null
            ? dir.resolve(ChecksumManifest.FILE_NAME)
            : LocalPaths.of(outOption, "--out");
    if (!Files.isDirectory(dir)) {
      throw CliException.usage((Files.exists(dir) ? "not a folder: " : "no such folder: ") + given);
    }
    if (Files.isDirectory(out)) {
      throw CliException.usage("--out is a folder, not a file: " + out);
    }
    List<String> exclude = new ArrayList<>();
    if (out.startsWith(dir)) {
      exclude.add(dir.relativize(out).toString().replace('\\', '/'));
    }
    LocalObjectStore store = new LocalObjectStore(dir);
    ChecksumManifest manifest;
    // A terminal gets a progress line while the files are hashed; a pipe or CI log does not.
    ProgressListener listener = new ProgressListener(console.interactive() ? console : null);
    try {
      manifest = new ManifestBuilder(store, threads).build("", dir.toString(), exclude, listener);
    } catch (ManifestInvalidException | PathEscapesException e) {
      throw new CliException(ExitCodes.BAD_INPUT, "MANIFEST_INVALID", e.getMessage());
    } finally {
      listener.stop();
    }
    byte[] written = ManifestCodec.write(manifest);
    if (Files.exists(out) && !Files.isRegularFile(out)) {
      // A pipe or device (/dev/stdout, a FIFO) is written in place: moving a file over it would
      // replace the node itself. The bytes are the output, so nothing else goes to stdout.
      try (OutputStream stream = Files.newOutputStream(out, StandardOpenOption.WRITE)) {
        stream.write(written);
      }
      return ExitCodes.OK;
    }
    Path folder = out.getParent();
    if (folder != null && !Files.isDirectory(folder)) {
      // Creating folders for a mistyped path would hide the mistake.
      throw CliException.usage(
          "--out: no such folder "
              + folder
              + (Files.exists(folder) ? " (not a folder)" : " (create it first)"));
    }
    // Written beside the target and moved into place, so a reader never sees half a manifest.
    // The temporary name starts with '.', so a concurrent manifest run never lists it.
    Path tmp = out.resolveSibling("." + out.getFileName() + "." + ProcessHandle.current().pid());
    try {
      try {
        Files.write(tmp, written);
      } catch (java.nio.file.AccessDeniedException e) {
        // The temporary name means nothing to the user: the folder is what cannot be written.
        throw CliException.usage("cannot write into " + folder + ": permission denied");
      }
      try {
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    console.out().printf("wrote %s (%s)%n", out, Plural.of(manifest.files().size(), "file"));
    return ExitCodes.OK;
  }

  /** Shows {@link Progress} on the console's stderr once the files to hash are known. */
  private static final class ProgressListener implements ManifestBuilder.Listener {
    private final Console console;
    private volatile Progress progress;

    ProgressListener(Console console) {
      this.console = console;
    }

    @Override
    public void planned(int files, long bytes) {
      if (console != null) {
        progress = Progress.start(console.err(), "hashing", bytes, files);
      }
    }

    @Override
    public void hashed(long bytes) {
      Progress shown = progress;
      if (shown != null) {
        shown.add(bytes);
      }
    }

    @Override
    public void fileDone() {
      Progress shown = progress;
      if (shown != null) {
        shown.fileDone();
      }
    }

    void stop() {
      Progress shown = progress;
      if (shown != null) {
        shown.stop();
      }
    }
  }
}
