package dev.scenegate.manifest;

import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.verify.BoundedPool;
import dev.scenegate.verify.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a seed-format manifest for a folder, as the upstream jobs do: every object below it but
 * the manifest itself and dot-named markers (and dot-named folders), hashed in parallel, sorted by
 * path. Exactly the set that strict verification accepts, so what it writes verifies.
 */
public final class ManifestBuilder {
  private final ObjectStore store;
  private final int threads;

  public ManifestBuilder(ObjectStore store, int threads) {
    this.store = store;
    this.threads = threads;
  }

  /** What a progress display needs: the plan, then bytes and files as they are hashed. */
  public interface Listener {
    default void planned(int files, long bytes) {}

    /** Called from the hashing threads. */
    default void hashed(long bytes) {}

    /** Called from the hashing threads. */
    default void fileDone() {}
  }

  public ChecksumManifest build(String folder, String root, List<String> exclude)
      throws IOException, ManifestInvalidException {
    return build(folder, root, exclude, new Listener() {});
  }

  /**
   * @param folder the folder prefix ("" or ending in '/')
   * @param root the informational {@code root} to record
   * @param exclude object names to leave out besides the standard manifest (e.g. --out)
   */
  public ChecksumManifest build(String folder, String root, List<String> exclude, Listener listener)
      throws IOException, ManifestInvalidException {
    List<ObjectInfo> objects = new ArrayList<>();
    for (ObjectInfo object : store.list(folder)) {
      String relative = object.name().substring(folder.length());
      if (relative.equals(ChecksumManifest.FILE_NAME)
          || exclude.contains(object.name())
          || RelativePaths.isHidden(relative)) {
        continue;
      }
      Optional<String> problem = RelativePaths.problem(relative);
      if (problem.isPresent()) {
        throw new ManifestInvalidException(
            store.describe(folder),
            ManifestCodec.quote(relative) + " cannot be listed in a manifest: " + problem.get());
      }
      if (relative.indexOf('\uFFFD') >= 0 && store.stat(object.name()).isEmpty()) {
        // The listing decoded a name that is not valid UTF-8 (a replacement character stands
        // in for the bad bytes), so no object name reaches the file.
        throw new ManifestInvalidException(
            store.describe(folder),
            ManifestCodec.quote(relative)
                + " cannot be listed in a manifest: the file name is not valid UTF-8");
      }
      store.checkContained(folder, object.name());
      objects.add(object);
    }
    if (objects.isEmpty()) {
      throw new ManifestInvalidException(store.describe(folder), "no files to list");
    }
    listener.planned(objects.size(), objects.stream().mapToLong(ObjectInfo::size).sum());
    List<ManifestEntry> entries =
        BoundedPool.map(
            objects,
            threads,
            "manifest",
            (object, buffer) -> {
              try (InputStream in = store.open(object.name(), object.generation())) {
                Sha256.Digest digest = Sha256.of(in, buffer, listener::hashed);
                listener.fileDone();
                return ManifestEntry.of(
                    object.name().substring(folder.length()), digest.hex(), digest.bytes());
              }
            });
    String generatedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    return ChecksumManifest.of(generatedAt, root, entries);
  }
}
