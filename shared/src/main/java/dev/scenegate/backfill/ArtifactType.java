package dev.scenegate.backfill;

import java.util.Locale;
import java.util.Optional;

/**
 * What kind of scene object the backfill hashes, by where it lives (not by extension): every object
 * under {@code scenes/<id>/assets/} is an {@link #ASSET}; {@code scenes/<id>/source_image.png} is
 * the scene's {@link #SOURCE_IMAGE}. The declaration order is the processing order (it is also the
 * alphabetical order of the wire names).
 */
public enum ArtifactType {
  ASSET("asset"),
  SOURCE_IMAGE("source_image");

  private final String wireName;

  ArtifactType(String wireName) {
    this.wireName = wireName;
  }

  /** The name used on the command line, in the summary and in the checkpoint. */
  public String wireName() {
    return wireName;
  }

  public static Optional<ArtifactType> fromWireName(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (ArtifactType type : values()) {
      if (type.wireName.equals(wanted)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
