package dev.scenegate.audit;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.scenegate.events.ChecksumAlert;
import java.util.Locale;
import java.util.Objects;

/**
 * One thing the audit found wrong with a verified file (DESIGN: {@code audit --json}'s {@code
 * findings}, and the {@code failures} of a {@code fixity} alert). {@code path} is relative to the
 * folder of {@code manifest}. Generations are strings on the wire (GCS generations exceed what JSON
 * readers keep exact); a value that does not apply is null: a {@code MISSING} file has no actual
 * generation or digest, an {@code UNTRACKED} one no expected.
 */
public record AuditFinding(
    String sceneId,
    String manifest,
    String path,
    Kind kind,
    @JsonFormat(shape = JsonFormat.Shape.STRING) Long expectedGeneration,
    @JsonFormat(shape = JsonFormat.Shape.STRING) Long actualGeneration,
    String expectedSha256,
    String actualSha256) {

  public enum Kind {
    /**
     * The object is there at a generation the verification did not vouch for (replaced), or its
     * recorded digest differs from the manifest's.
     */
    CHANGED,
    /** The manifest lists it; the listing does not have it. */
    MISSING,
    /** In the manifest's strict scope, not in the manifest. */
    UNTRACKED;

    @JsonValue
    public String wireName() {
      return name();
    }

    /** Lower case, for metric tags and text. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public AuditFinding {
    Objects.requireNonNull(sceneId, "sceneId");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
  }

  /** The alert's form of this finding, {@code path} relative to {@code folder}'s view. */
  ChecksumAlert.Failure failure(String path) {
    return new ChecksumAlert.Failure(
        path,
        kind.wireName(),
        expectedSha256,
        actualSha256,
        null,
        null,
        expectedGeneration,
        actualGeneration);
  }
}
