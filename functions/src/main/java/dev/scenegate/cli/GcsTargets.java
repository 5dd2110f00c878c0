package dev.scenegate.cli;

import com.google.cloud.BaseServiceException;
import com.google.cloud.storage.Storage;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.storage.BucketNames;
import dev.scenegate.storage.GcsClients;
import dev.scenegate.storage.GcsConfig;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectStore;
import java.util.Optional;

/**
 * Resolves {@code gs://bucket/prefix} targets: a prefix ending in {@code .json} names the manifest
 * object itself, any other prefix (or none) the folder holding {@code source_checksums.json}. The
 * client honours {@code STORAGE_EMULATOR_HOST} and {@code GOOGLE_CLOUD_PROJECT} from the console's
 * environment; elsewhere it uses Application Default Credentials. {@link #bucket} opens a whole
 * bucket (for {@code check --bucket} and {@code status --bucket}); {@link #open} is the one place a
 * command reaches a bucket through the GCS adapter.
 */
final class GcsTargets {
  private GcsTargets() {}

  /** A parsed {@code gs://} URI: bucket and the manifest object's name. */
  record GcsLocation(String bucket, String manifestObject) {}

  static Target resolve(String given, Console console) throws CliException {
    GcsLocation location = parse(given);
    return new Target(
        given,
        new GcsObjectStore(interactive(console), location.bucket()),
        location.manifestObject());
  }

  /**
   * {@code bucket} through the GCS adapter, reached as the console's environment says, with the
   * client's patient retries: for the backfill, a batch job that must ride out a slow network.
   */
  static GcsObjectStore open(String bucket, Console console) {
    return new GcsObjectStore(GcsClients.storage(GcsConfig.fromEnvironment(console.env())), bucket);
  }

  /** A person is waiting: an unreachable endpoint fails within seconds (STORAGE_ERROR). */
  private static Storage interactive(Console console) {
    return GcsClients.impatient(GcsConfig.fromEnvironment(console.env()));
  }

  static GcsLocation parse(String given) throws CliException {
    if (!given.startsWith("gs://")) {
      throw invalid(given, "not a gs:// URI");
    }
    String rest = given.substring("gs://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw invalid(given, "no bucket");
    }
    Optional<String> badBucket = BucketNames.problem(bucket);
    if (badBucket.isPresent()) {
      throw invalid(given, "invalid bucket name '" + bucket + "': " + badBucket.get());
    }
    while (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (!prefix.isEmpty()) {
      for (int i = 0; i < prefix.length(); i++) {
        char c = prefix.charAt(i);
        if (c < 0x20 || c == 0x7f) {
          throw invalid(given, "control character in object name");
        }
      }
      for (String segment : prefix.split("/", -1)) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
          throw invalid(given, "empty, '.' or '..' path segment");
        }
      }
      if (prefix.length() > 1024) {
        throw invalid(given, "object name longer than 1024 characters");
      }
    }
    String manifest;
    if (prefix.endsWith(".json")) {
      manifest = prefix;
    } else if (prefix.isEmpty()) {
      manifest = ChecksumManifest.FILE_NAME;
    } else {
      manifest = prefix + "/" + ChecksumManifest.FILE_NAME;
    }
    return new GcsLocation(bucket, manifest);
  }

  private static CliException invalid(String given, String reason) {
    return CliException.usage("invalid gs:// target " + Main.oneLine(given) + ": " + reason);
  }

  /**
   * The named bucket as an {@link ObjectStore}, reached as {@link GcsConfig} says (the emulator
   * under {@code STORAGE_EMULATOR_HOST}, else Application Default Credentials). A malformed name or
   * a bucket that does not exist is bad input.
   */
  static ObjectStore bucket(String name, Console console) throws CliException {
    String bucket = name.startsWith("gs://") ? name.substring(5) : name;
    if (bucket.endsWith("/")) {
      bucket = bucket.substring(0, bucket.length() - 1);
    }
    Optional<String> badBucket = BucketNames.problem(bucket);
    if (badBucket.isPresent()) {
      throw CliException.usage(
          "invalid bucket name '" + Main.oneLine(name) + "': " + badBucket.get());
    }
    Storage storage = interactive(console);
    try {
      // One short listing page: needs only storage.objects.list, like everything after it.
      storage.list(bucket, Storage.BlobListOption.pageSize(1)).getValues().iterator().hasNext();
    } catch (BaseServiceException e) {
      CliException unreachable = StorageErrors.classify(e, console.env());
      if (unreachable != null) {
        throw unreachable;
      }
      if (e.getCode() == 404) {
        throw new CliException(
            ExitCodes.BAD_INPUT, "BUCKET_NOT_FOUND", "no such bucket gs://" + bucket);
      }
      throw new CliException(
          ExitCodes.BAD_INPUT,
          "STORAGE_ERROR",
          "cannot read bucket gs://" + bucket + ": " + Main.describe(e));
    }
    return new GcsObjectStore(storage, bucket);
  }
}
