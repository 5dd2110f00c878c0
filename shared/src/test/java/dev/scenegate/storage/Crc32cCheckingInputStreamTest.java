package dev.scenegate.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class Crc32cCheckingInputStreamTest {
  private static final byte[] DATA = "The quick brown fox".getBytes(StandardCharsets.UTF_8);

  private static String crcOf(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return Crc32cCheckingInputStream.encode(crc.getValue());
  }

  @Test
  void knownVectorEncodesAsGcsReportsIt() {
    // GCS's documented example: crc32c of "hello" is mnG7TA== (fake-gcs-server agrees).
    assertEquals("mnG7TA==", crcOf("hello".getBytes(StandardCharsets.UTF_8)));
    assertEquals(0x9a71bb4c, Crc32cCheckingInputStream.decode("mnG7TA=="));
  }

  @Test
  void matchingChecksumReadsThrough() throws Exception {
    try (InputStream in =
        new Crc32cCheckingInputStream(
            new ByteArrayInputStream(DATA), "o", crcOf(DATA), DATA.length)) {
      assertArrayEquals(DATA, in.readAllBytes());
      assertEquals(-1, in.read());
    }
  }

  @Test
  void corruptedTransferIsTransientAtEndOfStream() throws Exception {
    byte[] corrupted = DATA.clone();
    corrupted[3] ^= 0x01;
    InputStream in =
        new Crc32cCheckingInputStream(
            new ByteArrayInputStream(corrupted), "gs://b/o", crcOf(DATA), DATA.length);
    TransientStorageException e = assertThrows(TransientStorageException.class, in::readAllBytes);
    assertTrue(e.getMessage().contains("gs://b/o"), e.getMessage());
    assertTrue(e.getMessage().contains(crcOf(DATA)), e.getMessage());
  }

  @Test
  void truncatedTransferIsTransient() {
    byte[] shorter = java.util.Arrays.copyOf(DATA, DATA.length - 1);
    InputStream in =
        new Crc32cCheckingInputStream(new ByteArrayInputStream(shorter), "o", null, DATA.length);
    assertThrows(TransientStorageException.class, in::readAllBytes);
  }

  @Test
  void singleByteReadsAndSkipAreChecksummedToo() throws Exception {
    byte[] corrupted = DATA.clone();
    corrupted[10] ^= 0x40;
    InputStream in =
        new Crc32cCheckingInputStream(
            new ByteArrayInputStream(corrupted), "o", crcOf(DATA), DATA.length);
    assertEquals(DATA[0], in.read());
    assertEquals(12, in.skip(12));
    assertThrows(
        TransientStorageException.class,
        () -> {
          while (in.read() >= 0) {}
        });
  }
}
