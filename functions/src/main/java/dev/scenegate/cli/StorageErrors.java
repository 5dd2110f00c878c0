package dev.scenegate.cli;

import com.google.cloud.BaseServiceException;
import dev.scenegate.storage.GcsConfig;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Map;

/**
 * Cloud Storage that cannot be reached or refuses access, as the CLI reports it: {@code
 * STORAGE_ERROR} (exit 2) naming the host it tried and the likely fix, instead of a manifest or
 * asset problem it is not.
 */
final class StorageErrors {
  static final String KIND = "STORAGE_ERROR";
  private static final String CLOUD_HOST = "storage.googleapis.com";
  private static final String LOGIN = "gcloud auth application-default login";

  private StorageErrors() {}

  /** {@code failure} as a STORAGE_ERROR when it is one, else null. */
  static CliException classify(Throwable failure, Map<String, String> env) {
    GcsConfig config = GcsConfig.fromEnvironment(env);
    String host = config.usesEmulator() ? config.emulatorUrl() : CLOUD_HOST;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String network = network(t);
      if (network != null) {
        return new CliException(
            ExitCodes.BAD_INPUT,
            KIND,
            "cannot reach Cloud Storage at "
                + host
                + " ("
                + network
                + "); "
                + (config.usesEmulator()
                    ? "is the emulator running there? STORAGE_EMULATOR_HOST names it"
                    : "check the network, or set STORAGE_EMULATOR_HOST=host:port for an"
                        + " emulator"));
      }
      if (t instanceof BaseServiceException service
          && (service.getCode() == 401 || service.getCode() == 403)) {
        return new CliException(
            ExitCodes.BAD_INPUT,
            KIND,
            "Cloud Storage at "
                + host
                + " refused access (HTTP "
                + service.getCode()
                + ": "
                + Main.oneLine(service.getMessage())
                + "); run `"
                + LOGIN
                + "` or use an account with storage.objects.get and .list on the bucket");
      }
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("default credentials")) {
        return new CliException(
            ExitCodes.BAD_INPUT,
            KIND,
            "no Google credentials to reach Cloud Storage at "
                + host
                + ": run `"
                + LOGIN
                + "`, or set STORAGE_EMULATOR_HOST=host:port for an emulator");
      }
    }
    return null;
  }

  private static String network(Throwable t) {
    if (t instanceof UnknownHostException) {
      return "unknown host " + t.getMessage();
    }
    if (t instanceof ConnectException) {
      return "connection refused";
    }
    if (t instanceof NoRouteToHostException) {
      return "no route to host";
    }
    if (t instanceof SocketTimeoutException) {
      return "timed out";
    }
    return null;
  }
}
