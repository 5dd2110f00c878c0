package dev.scenegate.backfill;

/**
 * An object the backfill could not record a hash for. {@code reason}: {@link #NO_FILE} (it vanished
 * before it could be hashed), {@link #UNREADABLE} (reading failed or it kept changing), or {@link
 * #ALERT_FAILED} (drift was found but the alert could not be published, so the hash was not written
 * and the next run finds the drift again).
 */
public record Skipped(String object, ArtifactType type, String reason, String detail) {
  public static final String NO_FILE = "no_file";
  public static final String UNREADABLE = "unreadable";
  public static final String ALERT_FAILED = "alert_failed";

  public static Skipped of(Artifact artifact, String reason, String detail) {
    return new Skipped(artifact.name(), artifact.type(), reason, detail);
  }
}
