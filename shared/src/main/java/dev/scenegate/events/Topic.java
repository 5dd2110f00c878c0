package dev.scenegate.events;

/** The logical topics scenegate publishes to; adapters map them to real topic names. */
public enum Topic {
  STAGE_EVENTS("stage-events"),
  CHECKSUM_ALERTS("checksum-alerts");

  private final String defaultName;

  Topic(String defaultName) {
    this.defaultName = defaultName;
  }

  public String defaultName() {
    return defaultName;
  }
}
