package dev.scenegate.quality;

/**
 * One failed criterion of a quality gate: the object it is about (full object name), the file as
 * people read it (relative to the scene folder), the runbook criterion, what is wrong, and whether
 * it is a mock-fallback indicator.
 */
public record GateFailure(
    String object, String file, Criterion criterion, String message, boolean mock) {

  /** The runbook criteria a gate failure belongs to, named as {@code check} shows them. */
  public enum Criterion {
    VALIDATION_THRESHOLDS("validation report thresholds"),
    GATE_REPORT("quality gate report"),
    QUALITY_CERTIFICATES("quality certificates accepted (legacy fallback)"),
    NO_MOCK("no mock fallback indicators"),
    IMPORT_CHECKS("import manifest checks"),
    EXPORT_JOB("job.json exists"),
    EXPORT_SOURCE_ASSETS("export manifest has source_assets");

    private final String title;

    Criterion(String title) {
      this.title = title;
    }

    public String title() {
      return title;
    }
  }

  /** {@code <file>: <message>}, the line events, .failed markers and alerts carry. */
  public String line() {
    return file + ": " + message;
  }
}
