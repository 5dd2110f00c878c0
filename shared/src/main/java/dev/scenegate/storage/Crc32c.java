package dev.scenegate.storage;

import java.nio.ByteBuffer;
import java.util.Base64;

/** CRC32C values as Cloud Storage writes them: base64 of the 4 big-endian bytes. */
public final class Crc32c {
  private Crc32c() {}

  /** The value of a base64 crc32c as GCS reports it; throws on anything but 4 bytes. */
  public static int decode(String base64) {
    byte[] bytes = Base64.getDecoder().decode(base64);
    if (bytes.length != 4) {
      throw new IllegalArgumentException("crc32c is not 4 bytes: " + base64);
    }
    return ByteBuffer.wrap(bytes).getInt();
  }

  /** {@link java.util.zip.CRC32C#getValue()} as GCS reports it. */
  public static String encode(long crc) {
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) crc).array());
  }
}
