package dev.scenegate.storage;

import java.util.Map;

/**
 * How to reach Cloud Storage, read once from the environment: {@code STORAGE_EMULATOR_HOST}
 * (fake-gcs-server; {@code host:port} or a URL) and {@code GOOGLE_CLOUD_PROJECT}.
 */
public record GcsConfig(String emulatorHost, String projectId) {

  /** Project id used against an emulator when none is configured. */
  public static final String EMULATOR_PROJECT = "test-project";

  public static GcsConfig fromEnvironment(Map<String, String> env) {
    return new GcsConfig(
        blankToNull(env.get("STORAGE_EMULATOR_HOST")),
        firstNonBlank(env.get("GOOGLE_CLOUD_PROJECT"), env.get("GCLOUD_PROJECT")));
  }

  public static GcsConfig emulator(String host) {
    return new GcsConfig(host, EMULATOR_PROJECT);
  }

  public boolean usesEmulator() {
    return emulatorHost != null;
  }

  /**
   * The emulator's root URL; a bare {@code host:port} gets {@code http://}, as other clients do.
   */
  public String emulatorUrl() {
    if (emulatorHost == null) {
      return null;
    }
    String url = emulatorHost.contains("://") ? emulatorHost : "http://" + emulatorHost;
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String firstNonBlank(String a, String b) {
    String first = blankToNull(a);
    return first != null ? first : blankToNull(b);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
