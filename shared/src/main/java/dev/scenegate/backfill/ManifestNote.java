package dev.scenegate.backfill;

/** Why a folder's manifest was not created, or why an existing one could not be used. */
public record ManifestNote(String object, String reason) {
  public static ManifestNote of(String object, String reason) {
    return new ManifestNote(object, reason);
  }
}
