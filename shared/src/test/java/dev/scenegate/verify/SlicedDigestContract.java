package dev.scenegate.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.storage.Crc32c;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.storage.TransientStorageException;
import dev.scenegate.testing.ForwardingObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Sliced reads give the bytes a single stream gives, on every store: the same SHA-256 and CRC32C
 * for sizes around every slice boundary, a corrupted slice is a transfer fault, and the buffer pool
 * stays within its budget. Small slices (1 KiB) stand in for megabytes.
 */
abstract class SlicedDigestContract {
  static final int SLICE = 1024;
  static final int STREAMS = 3;

  /** A fresh, empty store for each test. */
  protected abstract ObjectStore store() throws Exception;

  static SlicedDigest sliced() {
    return new SlicedDigest(new SliceSettings(0, SLICE, STREAMS));
  }

  static byte[] random(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  static ObjectInfo put(ObjectStore store, String name, byte[] data) throws IOException {
    store.write(name, data, null, Map.of(), Precondition.none());
    return store.stat(name).orElseThrow();
  }

  /** The single-stream reference: SHA-256 and CRC32C of one {@code open}. */
  static SlicedDigest.Result singleStream(ObjectStore store, ObjectInfo info) throws IOException {
    CRC32C crc = new CRC32C();
    Sha256.Digest digest;
    try (InputStream in = store.open(info.name(), info.generation())) {
      digest = Sha256.of(new ByteArrayInputStream(in.readAllBytes()));
    }
    try (InputStream in = store.open(info.name(), info.generation())) {
      crc.update(in.readAllBytes());
    }
    return new SlicedDigest.Result(digest, Crc32c.encode(crc.getValue()));
  }

  @Test
  void digestAndCrc32cEqualASingleStreamAroundEverySliceBoundary() throws Exception {
    ObjectStore store = store();
    SlicedDigest sliced = sliced();
    int[] sizes = {0, 1, SLICE - 1, SLICE, SLICE + 1, 2 * SLICE, 37 * SLICE + 5};
    for (int size : sizes) {
      ObjectInfo info = put(store, "sizes/" + size + ".bin", random(size, size));
      AtomicInteger heard = new AtomicInteger();
      SlicedDigest.Result result = sliced.read(store, info, n -> heard.addAndGet((int) n));
      assertEquals(singleStream(store, info), result, "size " + size);
      assertEquals(size, result.digest().bytes());
      assertEquals(size, heard.get(), "progress hears every byte once, size " + size);
    }
    assertEquals(0, sliced.buffers().inUse(), "every buffer returned");
  }

  @Test
  void theCrc32cOfTheObjectIsChecked() throws Exception {
    ObjectStore store = store();
    byte[] data = random(5 * SLICE + 3, 1);
    ObjectInfo stored = put(store, "checked.bin", data);
    CRC32C crc = new CRC32C();
    crc.update(data);
    // The CRC32C as GCS reports it, also for a store that reports none (local mode).
    ObjectInfo info = withCrc32c(stored, Crc32c.encode(crc.getValue()));
    assertEquals(Sha256.hex(data), sliced().digest(store, info, n -> {}).hex());
  }

  @Test
  void aCorruptedSliceIsATransferFaultNotADigest() throws Exception {
    ObjectStore real = store();
    byte[] data = random(8 * SLICE, 2);
    ObjectInfo stored = put(real, "corrupt.bin", data);
    CRC32C crc = new CRC32C();
    crc.update(data);
    ObjectInfo info = withCrc32c(stored, Crc32c.encode(crc.getValue()));
    ObjectStore corrupting =
        new ForwardingObjectStore(real) {
          @Override
          public InputStream openRange(String name, long generation, long offset, long length)
              throws IOException {
            byte[] bytes;
            try (InputStream in = delegate.openRange(name, generation, offset, length)) {
              bytes = in.readAllBytes();
            }
            if (offset == 5 * SLICE) {
              bytes[17] ^= 0x01; // one flipped bit in transit
            }
            return new ByteArrayInputStream(bytes);
          }
        };
    SlicedDigest sliced = sliced();
    TransientStorageException fault =
        assertThrows(
            TransientStorageException.class, () -> sliced.digest(corrupting, info, n -> {}));
    assertTrue(fault.getMessage().contains("CRC32C"), fault.getMessage());
    assertEquals(0, sliced.buffers().inUse(), "every buffer returned");
  }

  @Test
  void aSliceEndingEarlyIsATransferFault() throws Exception {
    ObjectStore real = store();
    ObjectInfo info = put(real, "short.bin", random(6 * SLICE, 3));
    ObjectStore cutting =
        new ForwardingObjectStore(real) {
          @Override
          public InputStream openRange(String name, long generation, long offset, long length)
              throws IOException {
            return delegate.openRange(name, generation, offset, offset == 2 * SLICE ? 10 : length);
          }
        };
    SlicedDigest sliced = sliced();
    assertThrows(TransientStorageException.class, () -> sliced.digest(cutting, info, n -> {}));
    assertEquals(0, sliced.buffers().inUse(), "every buffer returned");
  }

  @Test
  void aReplacedGenerationIsNoSuchFile() throws Exception {
    ObjectStore store = store();
    ObjectInfo old = put(store, "replaced.bin", random(4 * SLICE, 4));
    put(store, "replaced.bin", random(4 * SLICE, 5));
    SlicedDigest sliced = sliced();
    assertThrows(NoSuchFileException.class, () -> sliced.digest(store, old, n -> {}));
    assertEquals(0, sliced.buffers().inUse(), "every buffer returned");
  }

  @Test
  void concurrentReadsStayWithinTheBufferBudgetAndTheStreams() throws Exception {
    ObjectStore real = store();
    AtomicInteger open = new AtomicInteger();
    AtomicInteger peakOpen = new AtomicInteger();
    ObjectStore counting =
        new ForwardingObjectStore(real) {
          @Override
          public InputStream openRange(String name, long generation, long offset, long length)
              throws IOException {
            peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            try (InputStream in = delegate.openRange(name, generation, offset, length)) {
              return new ByteArrayInputStream(in.readAllBytes());
            } finally {
              open.decrementAndGet();
            }
          }
        };
    List<ObjectInfo> objects = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      objects.add(put(real, "many/" + i + ".bin", random(40 * SLICE + i, 10 + i)));
    }
    SlicedDigest sliced = sliced();
    ExecutorService hashers = Executors.newFixedThreadPool(objects.size());
    try {
      List<Future<Sha256.Digest>> digests = new ArrayList<>();
      for (ObjectInfo object : objects) {
        digests.add(hashers.submit(() -> sliced.digest(counting, object, n -> {})));
      }
      for (int i = 0; i < objects.size(); i++) {
        assertEquals(singleStream(real, objects.get(i)).digest(), digests.get(i).get());
      }
    } finally {
      hashers.shutdownNow();
    }
    SliceBuffers buffers = sliced.buffers();
    assertEquals(STREAMS + 1, buffers.capacity());
    assertTrue(
        buffers.allocated() <= buffers.capacity(),
        buffers.allocated() + " buffers made, budget " + buffers.capacity());
    assertTrue(buffers.peakInUse() <= buffers.capacity(), "peak " + buffers.peakInUse());
    assertEquals(0, buffers.inUse(), "every buffer returned");
    assertTrue(peakOpen.get() <= STREAMS, peakOpen.get() + " ranged reads at once");
  }

  static ObjectInfo withCrc32c(ObjectInfo info, String crc32c) {
    return new ObjectInfo(
        info.name(),
        info.size(),
        info.generation(),
        info.metageneration(),
        crc32c,
        info.md5(),
        info.updated(),
        info.metadata());
  }
}
