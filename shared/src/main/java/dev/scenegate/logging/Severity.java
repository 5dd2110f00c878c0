package dev.scenegate.logging;

/** Cloud Logging severities, in order. */
public enum Severity {
  DEBUG,
  INFO,
  NOTICE,
  WARNING,
  ERROR,
  CRITICAL
}
