package dev.scenegate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.storage.LocalFileStream;
import dev.scenegate.storage.LocalObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sha256Test {

  /** FIPS 180-2 test vectors. */
  @Test
  void knownAnswers() throws IOException {
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        Sha256.hex(new byte[0]));
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        Sha256.hex(
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
                .getBytes(StandardCharsets.US_ASCII)));
    assertEquals(
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
        Sha256.of(new RepeatingStream((byte) 'a', 1_000_000)).hex());
  }

  @Test
  void streamsThroughAFixedBufferAndReportsProgress() throws IOException {
    AtomicLong seen = new AtomicLong();
    // A 7-byte buffer over a stream that returns short reads: every boundary case is crossed.
    Sha256.Digest digest =
        Sha256.of(new RepeatingStream((byte) 'a', 1_000_000), new byte[7], seen::addAndGet);
    assertEquals("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", digest.hex());
    assertEquals(1_000_000, digest.bytes());
    assertEquals(1_000_000, seen.get());
  }

  @Test
  void aLocalFileIsHashedThroughItsChannelWithTheSameAnswer(@TempDir Path dir) throws IOException {
    byte[] million = new byte[1_000_000];
    java.util.Arrays.fill(million, (byte) 'a');
    Files.write(dir.resolve("a.bin"), million);
    LocalObjectStore store = new LocalObjectStore(dir);
    AtomicLong seen = new AtomicLong();

    Sha256.Digest digest;
    try (InputStream in = store.open("a.bin", store.stat("a.bin").orElseThrow().generation())) {
      assertTrue(in instanceof LocalFileStream, in.getClass().getName());
      digest = Sha256.of(in, new byte[7], seen::addAndGet);
    }

    assertEquals("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", digest.hex());
    assertEquals(1_000_000, digest.bytes());
    assertEquals(1_000_000, seen.get());
  }

  @Test
  void hashesAnEmptyStream() throws IOException {
    Sha256.Digest digest = Sha256.of(new ByteArrayInputStream(new byte[0]));
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", digest.hex());
    assertEquals(0, digest.bytes());
  }

  /** {@code count} copies of one byte, handed out in irregular short reads, never materialised. */
  static final class RepeatingStream extends InputStream {
    private final byte value;
    private long remaining;
    private int turn;

    RepeatingStream(byte value, long count) {
      this.value = value;
      this.remaining = count;
    }

    @Override
    public int read() {
      if (remaining == 0) {
        return -1;
      }
      remaining--;
      return value & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining == 0) {
        return -1;
      }
      int n = (int) Math.min(Math.min(len, remaining), 1 + (turn++ % 5000));
      java.util.Arrays.fill(b, off, off + n, value);
      remaining -= n;
      return n;
    }
  }
}
