package dev.scenegate.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the bucket on a fake clock: sleeping advances time, nothing waits for real. */
class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  private long now = 0;
  private final List<Long> sleeps = new ArrayList<>();

  private TokenBucket bucket(long rate, long burst) {
    return new TokenBucket(
        rate,
        burst,
        () -> now,
        nanos -> {
          sleeps.add(nanos);
          now += nanos;
        });
  }

  @Test
  void paceMatchesTheRateFromAnEmptyBucket() throws Exception {
    TokenBucket bucket = bucket(1_000_000, 100_000);
    for (int i = 0; i < 100; i++) {
      bucket.acquire(100_000); // 10 MB in total at 1 MB/s
    }
    assertEquals(10 * SECOND, now);
  }

  @Test
  void noWaitWhileTokensLast() throws Exception {
    TokenBucket bucket = bucket(1_000_000, 500_000);
    now += SECOND; // idle: the bucket fills, but only up to its burst
    bucket.acquire(500_000);
    assertTrue(sleeps.isEmpty());
    bucket.acquire(250_000);
    assertEquals(List.of(SECOND / 4), sleeps);
  }

  @Test
  void idleTimeBuysNoMoreThanTheBurst() throws Exception {
    TokenBucket bucket = bucket(1_000_000, 100_000);
    now += 60 * SECOND;
    long start = now;
    bucket.acquire(1_100_000);
    assertEquals(SECOND, now - start, "only the 100 kB burst was free");
  }

  @Test
  void aReadLargerThanTheBurstGoesIntoDebtAndTheNextReaderWaitsForIt() throws Exception {
    TokenBucket bucket = bucket(1_000_000, 10_000);
    // Two readers reserve at the same instant: the second queues behind the first's debt.
    long first = bucket.reserve(2_000_000);
    long second = bucket.reserve(1_000_000);
    assertEquals(2 * SECOND, first);
    assertEquals(3 * SECOND, second);
  }

  @Test
  void throughputOverManyReadersHoldsTheRate() throws Exception {
    TokenBucket bucket = bucket(50_000_000, 5_000_000);
    long bytes = 0;
    for (int i = 0; i < 500; i++) {
      int chunk = (i % 7 + 1) * 150_000; // uneven chunks, as file ends make them
      bucket.acquire(chunk);
      bytes += chunk;
    }
    double seconds = now / 1e9;
    double rate = bytes / seconds;
    assertEquals(50_000_000, rate, 50_000_000 * 0.001 + 1);
  }

  @Test
  void chunksAreAboutFiftyMillisecondsWorthAtLowRates() {
    assertEquals(1 << 20, bucket(100_000_000, 1).chunkBytes(1 << 20));
    assertEquals(50_000, bucket(1_000_000, 1).chunkBytes(1 << 20));
    assertEquals(8 * 1024, bucket(1_000, 1).chunkBytes(1 << 20));
  }
}
