package dev.scenegate.alerts;

/**
 * A message on {@code checksum-alerts} that can never be delivered as it is: not JSON, a required
 * field missing or of the wrong type, an unknown kind or major schema version. Poison: logged and
 * acknowledged, never retried.
 */
public final class InvalidAlertException extends Exception {
  public InvalidAlertException(String message) {
    super(message);
  }

  public InvalidAlertException(String message, Throwable cause) {
    super(message, cause);
  }
}
