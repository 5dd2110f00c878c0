package dev.scenegate.storage;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;

/**
 * Builds the Cloud Storage client. Build one per process and share it: clients are thread-safe and
 * each holds its own connection pool and credentials.
 */
public final class GcsClients {
  private GcsClients() {}

  /** Against the emulator: its URL, no credentials. Otherwise Application Default Credentials. */
  public static Storage storage(GcsConfig config) {
    StorageOptions.Builder builder = StorageOptions.newBuilder();
    if (config.usesEmulator()) {
      builder
          .setHost(config.emulatorUrl())
          .setCredentials(NoCredentials.getInstance())
          .setProjectId(
              config.projectId() == null ? GcsConfig.EMULATOR_PROJECT : config.projectId());
    } else if (config.projectId() != null) {
      builder.setProjectId(config.projectId());
    }
    return builder.build().getService();
  }
}
