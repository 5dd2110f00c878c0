package dev.scenegate.quality;

import java.util.Objects;

/**
 * One row of a runbook check: a pass/fail criterion of seed 002 for one stage, its status, the
 * object behind it (full object name, or a pattern such as {@code episodes/**}) and a detail for
 * people (the measured values, or what is wrong).
 */
public record CheckCriterion(
    String stage, String criterion, Status status, String object, String detail) {

  public enum Status {
    PASS,
    FAIL,
    /** Not evaluated: the stage is skipped by config, or its marker is missing (already a FAIL). */
    SKIP
  }

  public CheckCriterion {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(criterion, "criterion");
    Objects.requireNonNull(status, "status");
    detail = detail == null ? "" : detail;
  }

  public static CheckCriterion pass(String stage, String criterion, String object, String detail) {
    return new CheckCriterion(stage, criterion, Status.PASS, object, detail);
  }

  public static CheckCriterion fail(String stage, String criterion, String object, String detail) {
    return new CheckCriterion(stage, criterion, Status.FAIL, object, detail);
  }

  public static CheckCriterion skip(String stage, String criterion, String object, String detail) {
    return new CheckCriterion(stage, criterion, Status.SKIP, object, detail);
  }
}
