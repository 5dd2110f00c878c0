package dev.scenegate.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Backoff DOUBLING =
      Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(1000));

  @Test
  void doublesFromTheBaseUpToTheCap() {
    assertEquals(Duration.ofMillis(100), DOUBLING.delayAfter(1, 0.9));
    assertEquals(Duration.ofMillis(200), DOUBLING.delayAfter(2, 0.9));
    assertEquals(Duration.ofMillis(800), DOUBLING.delayAfter(4, 0.9));
    assertEquals(Duration.ofMillis(1000), DOUBLING.delayAfter(5, 0.9));
    assertEquals(Duration.ofMillis(1000), DOUBLING.delayAfter(500, 0.9));
  }

  @Test
  void jitterDrawsThatFractionOfTheDelayAtRandom() {
    Backoff equal = DOUBLING.withJitter(0.5);
    assertEquals(Duration.ofMillis(50), equal.delayAfter(1, 0));
    assertEquals(Duration.ofMillis(75), equal.delayAfter(1, 0.5));
    Backoff full = DOUBLING.withJitter(1);
    assertEquals(Duration.ZERO, full.delayAfter(3, 0));
    assertEquals(Duration.ofMillis(100), full.delayAfter(3, 0.25));
  }

  @Test
  void theInjectedRandomSourceDecidesTheJitter() {
    Backoff drawn = DOUBLING.withJitter(1).withRandom(() -> 0.5);
    assertEquals(Duration.ofMillis(400), drawn.delayAfter(4));
  }

  @Test
  void attemptsAreBounded() {
    Backoff three = DOUBLING.withMaxAttempts(3);
    assertTrue(three.allows(3));
    assertFalse(three.allows(4));
    assertThrows(IllegalArgumentException.class, () -> DOUBLING.withMaxAttempts(0));
  }

  @Test
  void pausesThroughTheInjectedSleeper() throws Exception {
    List<Duration> slept = new ArrayList<>();
    Backoff recorded = DOUBLING.withSleeper(slept::add);
    recorded.pauseAfter(1);
    recorded.pauseAfter(3);
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(400)), slept);
  }

  @Test
  void anInterruptedPauseIsAnInterruptedIoExceptionWithTheFlagKept() {
    Backoff interrupted =
        DOUBLING.withSleeper(
            d -> {
              throw new InterruptedException();
            });
    assertThrows(InterruptedIOException.class, () -> interrupted.pauseAfter(1));
    assertTrue(Thread.interrupted()); // also clears it for the next test
  }

  @Test
  void rejectsAnInvertedRange() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }
}
