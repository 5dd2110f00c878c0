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
import java.util.Set;

/** {@code scenegate manifest DIR [--out FILE]}: writes a seed-format manifest for DIR. */
public final class ManifestCommand implements Command {

  @Override
  public String name() {
    return "manifest";
  }

  @Override
  public String summary() {
    return "write a source_checksums.json for a folder, as the upstream jobs do";
  }

  @Override
  public String help() {
    return """
        usage: scenegate manifest DIR [--out FILE] [--threads N]

        Hashes every file below DIR (SHA-256, streamed) and writes a seed-format manifest:
        files sorted by path, generated_at in UTC ISO-8601, root = DIR's absolute path.
        The manifest itself, dot-named markers (.regen3d_complete, ...) and anything in a
        dot-named folder are left out. Keys are relative to DIR, so the manifest verifies
        when it sits in DIR (the default --out).

        options:
          --out FILE   where to write (default: DIR/source_checksums.json); a pipe or
                       device such as /dev/stdout is written in place
          --threads N  files hashed in parallel, 1..256 (default: available cores)

        exit codes: 0 written, 2 bad input (no such folder, nothing to list, a name a
                    manifest cannot hold, a symlink leading out of DIR, bad arguments)
        """;
  }

  @Override
  public Set<String> valueOptions() {
    return Set.of("out", "threads");
  }

  @Override
  public int run(Args args, Console console) throws Exception {
    String given = args.expectPositional(1, "DIR").get(0);
    int threads = args.positiveInt("threads", Verifier.defaultThreads(), 256);
    Path dir = LocalPaths.of(given, "DIR");
    Path out =
        args.value("out") == null
            ? dir.resolve(ChecksumManifest.FILE_NAME)
            : LocalPaths.of(args.value("out"), "--out");
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
    try {
      manifest = new ManifestBuilder(store, threads).build("", dir.toString(), exclude);
    } catch (ManifestInvalidException | PathEscapesException e) {
      throw new CliException(ExitCodes.BAD_INPUT, "MANIFEST_INVALID", e.getMessage());
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
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    // Written beside the target and moved into place, so a reader never sees half a manifest.
    // The temporary name starts with '.', so a concurrent manifest run never lists it.
    Path tmp = out.resolveSibling("." + out.getFileName() + "." + ProcessHandle.current().pid());
    try {
      Files.write(tmp, written);
      try {
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    console.out().printf("wrote %s (%d files)%n", out, manifest.files().size());
    return ExitCodes.OK;
  }
}
