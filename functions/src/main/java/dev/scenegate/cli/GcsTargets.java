package dev.scenegate.cli;

import com.google.cloud.BaseServiceException;
import com.google.cloud.storage.Storage;
import dev.scenegate.storage.GcsClients;
import dev.scenegate.storage.GcsConfig;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectStore;
import java.util.regex.Pattern;

/** Resolves {@code gs://bucket/prefix} targets; the GCS adapter plugs in here. */
final class GcsTargets {
  /** Cloud Storage bucket naming rules (lowercase letters, digits, '-', '_', '.'; 3..222). */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]");

  private GcsTargets() {}

  static Target resolve(String given, Console console) throws CliException {
    throw CliException.usage("gs:// targets are not supported by this build: " + given);
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
    if (!BUCKET.matcher(bucket).matches()) {
      throw CliException.usage("invalid bucket name '" + Main.oneLine(name) + "'");
    }
    Storage storage = GcsClients.storage(GcsConfig.fromEnvironment(console.env()));
    try {
      // One short listing page: needs only storage.objects.list, like everything after it.
      storage.list(bucket, Storage.BlobListOption.pageSize(1)).getValues().iterator().hasNext();
    } catch (BaseServiceException e) {
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
