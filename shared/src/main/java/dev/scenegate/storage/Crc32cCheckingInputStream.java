package dev.scenegate.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Computes the CRC32C of everything read and, at end of stream, compares it (and the byte count)
 * with what the store reported for the object. A mismatch means the transfer went wrong, not the
 * data at rest: it is a {@link TransientStorageException}, so the caller retries instead of
 * reporting a checksum failure.
 */
final class Crc32cCheckingInputStream extends FilterInputStream {
  private final String object;
  private final Integer expectedCrc;
  private final long expectedSize;
  private final CRC32C crc = new CRC32C();
  private long count;
  private boolean checked;

  /**
   * @param expectedCrc32cBase64 the object's crc32c as GCS reports it (base64 of the big-endian
   *     value), or null to check only the size
   * @param expectedSize the object's size, or -1 when unknown
   */
  Crc32cCheckingInputStream(
      InputStream in, String object, String expectedCrc32cBase64, long expectedSize) {
    super(in);
    this.object = object;
    this.expectedCrc = expectedCrc32cBase64 == null ? null : decode(expectedCrc32cBase64);
    this.expectedSize = expectedSize;
  }

  static int decode(String base64) {
    return Crc32c.decode(base64);
  }

  static String encode(long crc) {
    return Crc32c.encode(crc);
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b < 0) {
      verify();
    } else {
      crc.update(b);
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n < 0) {
      verify();
    } else {
      crc.update(buffer, offset, n);
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes would escape the checksum: read them instead.
    byte[] sink = new byte[(int) Math.min(8192, Math.max(0, n))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(sink, 0, (int) Math.min(sink.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readLimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }

  private void verify() throws TransientStorageException {
    if (checked) {
      return;
    }
    checked = true;
    if (expectedSize >= 0 && count != expectedSize) {
      throw new TransientStorageException(
          object + ": download ended after " + count + " of " + expectedSize + " bytes");
    }
    if (expectedCrc != null && (int) crc.getValue() != expectedCrc) {
      throw new TransientStorageException(
          object
              + ": download CRC32C "
              + encode(crc.getValue())
              + " does not match the object's "
              + encode(expectedCrc & 0xffffffffL)
              + " (transfer fault; retry)");
    }
  }
}
