package dev.scenegate.backfill;

import dev.scenegate.logging.JsonLog;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.manifest.RelativePaths;
import dev.scenegate.storage.ObjectContent;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.storage.PreconditionFailedException;
import java.io.IOException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The folder manifests of one run: an existing {@code source_checksums.json} is read once (for
 * drift checks) and never rewritten; a folder without one gets one, created only when every object
 * in it has a current hash, and only if nobody created one meanwhile.
 */
final class FolderManifests {
  private static final JsonLog LOG = JsonLog.get(BackfillEngine.class);

  /** A contiguous run of artifacts covered by one manifest (an assets folder or a scene root). */
  record Folder(ArtifactType type, String prefix, String sceneId, int from, int to) {}

  /** An existing manifest as far as drift checks are concerned. */
  record Lookup(String object, ChecksumManifest manifest, String problem) {
    static final Lookup NONE = new Lookup(null, null, null);

    Optional<ManifestEntry> entry(String relativePath) {
      return manifest == null
          ? Optional.empty()
          : Optional.ofNullable(manifest.byPath().get(relativePath));
    }
  }

  private final ObjectStore store;
  private final BackfillScope scope;
  private final boolean dryRun;
  private final Clock clock;
  private final BackfillMeters meters;
  private final Map<String, Lookup> existing = new ConcurrentHashMap<>();

  FolderManifests(
      ObjectStore store, BackfillScope scope, boolean dryRun, Clock clock, BackfillMeters meters) {
    this.store = store;
    this.scope = scope;
    this.dryRun = dryRun;
    this.clock = clock;
    this.meters = meters;
  }

  /** The folders of {@code all}, which is in processing order (so each folder is contiguous). */
  static List<Folder> folders(List<Artifact> all) {
    List<Folder> folders = new ArrayList<>();
    int from = 0;
    for (int i = 1; i <= all.size(); i++) {
      if (i == all.size()
          || all.get(i).type() != all.get(from).type()
          || !all.get(i).folder().equals(all.get(from).folder())) {
        if (!all.isEmpty()) {
          Artifact first = all.get(from);
          folders.add(new Folder(first.type(), first.folder(), first.sceneId(), from, i - 1));
        }
        from = i;
      }
    }
    return folders;
  }

  /** The existing manifest covering {@code artifact}, read once per folder; thread-safe. */
  Lookup of(Artifact artifact) {
    return existing.computeIfAbsent(artifact.folder(), this::load);
  }

  private Lookup load(String folder) {
    ObjectInfo info = scope.manifestOf(folder);
    if (info == null) {
      return Lookup.NONE;
    }
    String name = info.name();
    try {
      // The newest one: a manifest replaced since the listing is compared in its new form.
      Optional<ObjectContent> current = store.readCurrent(name, ManifestCodec.MAX_MANIFEST_BYTES);
      if (current.isEmpty()) {
        return Lookup.NONE;
      }
      return new Lookup(
          name, ManifestCodec.parse(current.get().bytes(), store.describe(name)), null);
    } catch (IOException | ManifestInvalidException e) {
      LOG.warn(
          "existing manifest cannot be used for drift checks; left as it is",
          "object",
          name,
          "error",
          BackfillEngine.describe(e));
      return new Lookup(name, null, BackfillEngine.describe(e));
    }
  }

  /**
   * Every object of {@code folder} is done: notes an unusable existing manifest, or creates the
   * missing one from the hashes of this run ({@code results}) and earlier runs (the listed
   * metadata). Runs on the coordinating thread, which alone touches {@code tally}.
   */
  void complete(Folder folder, List<Artifact> all, ObjectResult[] results, Tally tally) {
    String manifestName = folder.prefix() + ChecksumManifest.FILE_NAME;
    Lookup lookup = existing.get(folder.prefix());
    if (lookup != null && lookup.problem() != null) {
      tally.manifestsInvalid.add(ManifestNote.of(lookup.object(), lookup.problem()));
    }
    if (scope.manifestOf(folder.prefix()) != null) {
      tally.manifestsExisting++; // never rewritten, whatever it says
      return;
    }
    List<ManifestEntry> entries = new ArrayList<>();
    for (int i = folder.from(); i <= folder.to(); i++) {
      Artifact a = all.get(i);
      ObjectResult r = results[i];
      String sha;
      long size;
      if (r != null) {
        if (r.outcome() == ObjectResult.Outcome.NO_FILE) {
          continue;
        }
        if (r.outcome() == ObjectResult.Outcome.WOULD_UPDATE) {
          sha = "0".repeat(64); // a dry run only counts what it would create
        } else {
          sha = r.sha256();
        }
        size = r.size();
      } else {
        // Done by an earlier run: its hash is in the listed metadata if it is still current.
        Optional<RecordedHash> recorded = RecordedHash.from(a.info().metadata());
        sha = recorded.filter(h -> h.currentFor(a.info())).map(RecordedHash::sha256).orElse(null);
        size = a.info().size();
      }
      if (sha == null) {
        notCreated(tally, manifestName, a.name() + " has no current hash (skipped or changed)");
        return;
      }
      Optional<String> problem = RelativePaths.problem(a.relativePath());
      if (problem.isPresent()) {
        notCreated(
            tally, manifestName, a.name() + " cannot be listed in a manifest: " + problem.get());
        return;
      }
      entries.add(ManifestEntry.of(a.relativePath(), sha, size));
    }
    if (entries.isEmpty()) {
      return;
    }
    if (dryRun) {
      tally.manifestsCreated.add(manifestName);
      return;
    }
    create(folder, manifestName, entries, tally);
  }

  private void create(
      Folder folder, String manifestName, List<ManifestEntry> entries, Tally tally) {
    String root = store.describe(folder.prefix().substring(0, folder.prefix().length() - 1));
    ChecksumManifest manifest =
        ChecksumManifest.of(
            BackfillEngine.now(clock).truncatedTo(ChronoUnit.SECONDS).toString(), root, entries);
    try {
      store.write(
          manifestName,
          ManifestCodec.write(manifest),
          "application/json",
          Map.of(),
          Precondition.doesNotExist());
      tally.manifestsCreated.add(manifestName);
      meters.manifestCreated(folder.type());
      LOG.info(
          "created manifest",
          "object",
          manifestName,
          "scene_id",
          folder.sceneId(),
          "files",
          entries.size());
    } catch (PreconditionFailedException e) {
      // Someone else wrote one meanwhile: theirs stands.
      tally.manifestsExisting++;
      LOG.notice("manifest appeared meanwhile; left as it is", "object", manifestName);
    } catch (IOException e) {
      LOG.error("could not create manifest", e, "object", manifestName);
      notCreated(tally, manifestName, BackfillEngine.describe(e));
    }
  }

  private static void notCreated(Tally tally, String manifestName, String reason) {
    tally.manifestsNotCreated.add(ManifestNote.of(manifestName, reason));
    LOG.warn("manifest not created", "object", manifestName, "reason", reason);
  }
}
