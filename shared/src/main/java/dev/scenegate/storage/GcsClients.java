package dev.scenegate.storage;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import java.time.Duration;

/**
 * Builds the Cloud Storage client. Build one per process and share it: clients are thread-safe and
 * each holds its own connection pool and credentials.
 */
public final class GcsClients {
  private GcsClients() {}

  /** Against the emulator: its URL, no credentials. Otherwise Application Default Credentials. */
  public static Storage storage(GcsConfig config) {
    return builder(config).build().getService();
  }

  /**
   * For a person waiting at a terminal (the CLI): an unreachable endpoint fails within seconds
   * (connect timeout 3 s, two attempts in at most 5 s) instead of the client's patient default of
   * about 50 s. A slow read once connected is still allowed a minute. Functions keep {@link
   * #storage}.
   */
  public static Storage impatient(GcsConfig config) {
    return builder(config)
        .setRetrySettings(
            RetrySettings.newBuilder()
                .setMaxAttempts(2)
                .setInitialRetryDelayDuration(Duration.ofMillis(250))
                .setMaxRetryDelayDuration(Duration.ofSeconds(1))
                .setRetryDelayMultiplier(2)
                .setTotalTimeoutDuration(Duration.ofSeconds(5))
                .build())
        .setTransportOptions(
            HttpTransportOptions.newBuilder()
                .setConnectTimeout((int) Duration.ofSeconds(3).toMillis())
                .setReadTimeout((int) Duration.ofSeconds(60).toMillis())
                .build())
        .build()
        .getService();
  }

  private static StorageOptions.Builder builder(GcsConfig config) {
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
    return builder;
  }
}
