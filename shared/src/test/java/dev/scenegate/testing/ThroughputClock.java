package dev.scenegate.testing;

import dev.scenegate.storage.ObjectStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only as bytes are read through {@link #store}: {@code nanosPerByte} per byte,
 * as if the store delivered a fixed throughput. Tests of time budgets run on it without sleeping
 * and without looking at the wall clock.
 */
public final class ThroughputClock extends Clock {
  private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private final AtomicLong nanos = new AtomicLong();
  private final long nanosPerByte;

  public ThroughputClock(long nanosPerByte) {
    this.nanosPerByte = nanosPerByte;
  }

  /** {@code delegate}, with every byte read from an opened object moving this clock. */
  public ObjectStore store(ObjectStore delegate) {
    return new ForwardingObjectStore(delegate) {
      @Override
      public InputStream open(String name, long generation) throws IOException {
        return metered(delegate.open(name, generation));
      }
    };
  }

  /** Moves the clock by {@code n} nanoseconds. */
  public void advance(long n) {
    nanos.addAndGet(n);
  }

  public long nanos() {
    return nanos.get();
  }

  private InputStream metered(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          advance(nanosPerByte);
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          advance(n * nanosPerByte);
        }
        return n;
      }
    };
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return EPOCH.plusNanos(nanos.get());
  }
}
