package dev.scenegate.backfill;

/** What happened to one object in this run, with what it adds to the totals. */
record ObjectResult(
    Artifact artifact,
    Outcome outcome,
    String sha256,
    long size,
    long filesHashed,
    long bytesHashed,
    DriftEvent drift,
    boolean knownDrift,
    String detail) {

  enum Outcome {
    UPDATED("updated"),
    CURRENT("current"),
    WOULD_UPDATE("would_update"),
    NO_FILE(Skipped.NO_FILE),
    UNREADABLE(Skipped.UNREADABLE),
    ALERT_FAILED(Skipped.ALERT_FAILED),
    /** A stop came before it was finished (not started, or abandoned in flight): not done. */
    NOT_STARTED("not_started");

    final String wire;

    Outcome(String wire) {
      this.wire = wire;
    }

    boolean skipped() {
      return this == NO_FILE || this == UNREADABLE || this == ALERT_FAILED;
    }
  }

  /** An outcome that read nothing. */
  static ObjectResult of(Artifact artifact, Outcome outcome, String detail) {
    return new ObjectResult(
        artifact, outcome, null, artifact.info().size(), 0, 0, null, false, detail);
  }

  static ObjectResult notStarted(Artifact artifact) {
    return of(artifact, Outcome.NOT_STARTED, null);
  }

  static ObjectResult hashed(
      Artifact artifact, Outcome outcome, String sha, long size, long files, long bytes) {
    return new ObjectResult(artifact, outcome, sha, size, files, bytes, null, false, null);
  }

  static ObjectResult noFile(Artifact artifact, long files, long bytes) {
    return new ObjectResult(
        artifact,
        Outcome.NO_FILE,
        null,
        artifact.info().size(),
        files,
        bytes,
        null,
        false,
        "deleted after it was listed");
  }

  static ObjectResult alertFailed(
      Artifact artifact, DriftEvent drift, long files, long bytes, String why) {
    return new ObjectResult(
        artifact,
        Outcome.ALERT_FAILED,
        null,
        artifact.info().size(),
        files,
        bytes,
        drift,
        false,
        "drift alert not published: " + why);
  }

  Counts counts() {
    return new Counts(
        1,
        outcome == Outcome.UPDATED ? 1 : 0,
        outcome == Outcome.CURRENT ? 1 : 0,
        outcome == Outcome.WOULD_UPDATE ? 1 : 0,
        drift != null ? 1 : 0,
        knownDrift ? 1 : 0,
        outcome == Outcome.NO_FILE ? 1 : 0,
        outcome == Outcome.UNREADABLE ? 1 : 0,
        outcome == Outcome.ALERT_FAILED ? 1 : 0,
        filesHashed,
        bytesHashed,
        outcome == Outcome.WOULD_UPDATE ? size : 0);
  }
}
