package dev.scenegate.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** What every {@link ObjectStore#openRange} accepts, and a stream cut after a range's length. */
final class RangeArguments {
  private RangeArguments() {}

  static void check(long generation, long offset, long length) {
    if (generation <= 0) {
      throw new IllegalArgumentException("a ranged read needs a pinned generation: " + generation);
    }
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("bad range: offset " + offset + ", length " + length);
    }
  }

  /** Ends after {@code remaining} bytes; closing it closes the underlying stream. */
  static final class Limited extends FilterInputStream {
    private long remaining;

    Limited(InputStream in, long remaining) {
      super(in);
      this.remaining = remaining;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return len == 0 ? 0 : -1;
      }
      int n = super.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(Math.min(n, remaining));
      remaining -= Math.max(0, skipped);
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(super.available(), remaining);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }
}
