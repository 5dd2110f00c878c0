package dev.scenegate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.pipeline.StageStatus;
import dev.scenegate.scene.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void defaultsAreSixHoursRunningAndADayWaiting() {
    Deadlines d = Deadlines.fromEnvironment(Map.of("PATH", "/usr/bin"));
    assertEquals(Duration.ofHours(6), d.deadline(Stage.USD, StageStatus.RUNNING).orElseThrow());
    assertEquals(Duration.ofHours(24), d.deadline(Stage.USD, StageStatus.WAITING).orElseThrow());
    assertEquals(Optional.empty(), d.deadline(Stage.USD, StageStatus.FAILED));
    assertEquals(Optional.empty(), d.deadline(Stage.USD, StageStatus.PENDING));
  }

  @Test
  void environmentAndPerStageOverrides() {
    Deadlines d =
        Deadlines.fromEnvironment(
            Map.of(
                "SLA_RUNNING", "PT2H",
                "SLA_WAITING", " P2D ",
                "SLA_GENIESIM_EXPORT", "PT12H"));
    assertEquals(Duration.ofHours(2), d.deadline(Stage.USD, StageStatus.RUNNING).orElseThrow());
    assertEquals(Duration.ofDays(2), d.deadline(Stage.USD, StageStatus.WAITING).orElseThrow());
    // The override replaces both deadlines of its stage.
    assertEquals(
        Duration.ofHours(12), d.deadline(Stage.GENIESIM_EXPORT, StageStatus.RUNNING).orElseThrow());
    assertEquals(
        Duration.ofHours(12), d.deadline(Stage.GENIESIM_EXPORT, StageStatus.WAITING).orElseThrow());
    assertEquals("SLA_GENIESIM_EXPORT", Deadlines.variable(Stage.GENIESIM_EXPORT));
  }

  @Test
  void overdueOnlyPastTheDeadline() {
    Deadlines d = Deadlines.defaults();
    Instant sixHoursAgo = NOW.minus(Duration.ofHours(6));
    assertFalse(d.overdue(Stage.USD, StageStatus.RUNNING, sixHoursAgo, NOW), "at the deadline");
    assertTrue(d.overdue(Stage.USD, StageStatus.RUNNING, sixHoursAgo.minusSeconds(1), NOW));
    assertFalse(d.overdue(Stage.USD, StageStatus.WAITING, sixHoursAgo.minusSeconds(1), NOW));
    assertFalse(d.overdue(Stage.USD, StageStatus.FAILED, Instant.EPOCH, NOW));
    assertFalse(d.overdue(Stage.USD, StageStatus.RUNNING, null, NOW), "nothing to measure from");
  }

  @Test
  void badValuesNameTheVariable() {
    IllegalArgumentException notDuration =
        assertThrows(
            IllegalArgumentException.class,
            () -> Deadlines.fromEnvironment(Map.of("SLA_RUNNING", "6 hours")));
    assertTrue(
        notDuration.getMessage().startsWith("SLA_RUNNING='6 hours'"), notDuration.getMessage());
    IllegalArgumentException negative =
        assertThrows(
            IllegalArgumentException.class,
            () -> Deadlines.fromEnvironment(Map.of("SLA_USD", "-PT1H")));
    assertTrue(negative.getMessage().contains("SLA_USD"), negative.getMessage());
    IllegalArgumentException zero =
        assertThrows(
            IllegalArgumentException.class,
            () -> Deadlines.fromEnvironment(Map.of("SLA_WAITING", "PT0S")));
    assertTrue(zero.getMessage().contains("SLA_WAITING"), zero.getMessage());
  }

  @Test
  void anUnknownSlaVariableIsAnErrorNotASilentDefault() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Deadlines.fromEnvironment(Map.of("SLA_REGEN3", "PT1H", "sla_usd", "PT1H")));
    assertTrue(e.getMessage().contains("SLA_REGEN3"), e.getMessage());
    assertTrue(e.getMessage().contains("SLA_REGEN3D"), "lists what is known: " + e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Deadlines.fromEnvironment(Map.of("SLA_usd", "PT1H")),
        "the stage part is upper case");
  }
}
