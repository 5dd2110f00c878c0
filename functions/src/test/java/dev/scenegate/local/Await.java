package dev.scenegate.local;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Polls a condition until it holds or a generous deadline passes (never a fixed sleep). */
final class Await {
  static final Duration DEADLINE = Duration.ofSeconds(60);

  private Await() {}

  static void until(Callable<Boolean> condition, Supplier<?> whatWasSeen) throws Exception {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > end) {
        fail("condition not met within " + DEADLINE + "; saw: " + whatWasSeen.get());
      }
      Thread.sleep(20); // poll interval
    }
  }
}
