package dev.scenegate.verify;

import dev.scenegate.storage.Crc32c;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.TransientStorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * Reads one large object as concurrent ranged reads of its pinned generation and feeds the slices,
 * in order, into one SHA-256 and one CRC32C on the calling (hashing) thread. I/O parallelism (the
 * {@code streams} I/O threads) is separate from CPU parallelism (whoever calls {@link #digest}): a
 * function with one vCPU runs many downloads and one hasher. Memory is the {@link SliceBuffers}
 * pool, {@code (streams + 1) x sliceBytes} for the process, never the object.
 *
 * <p>Ranged downloads are not checked by the store, so the CRC32C of all slices is compared with
 * the object's at the end: a mismatch is a {@link TransientStorageException} (a transfer fault, to
 * read again), never a checksum verdict. A store that reports no crc32c (local mode) is not
 * checked. A generation gone mid-read surfaces as {@link java.nio.file.NoSuchFileException}.
 */
public final class SlicedDigest {
  private static volatile SlicedDigest shared;

  private final SliceSettings settings;
  private final SliceBuffers buffers;
  private final ThreadPoolExecutor io;

  public SlicedDigest(SliceSettings settings) {
    this.settings = settings;
    this.buffers = new SliceBuffers(settings.buffers(), settings.sliceBytes());
    AtomicInteger number = new AtomicInteger();
    this.io =
        new ThreadPoolExecutor(
            settings.streams(),
            settings.streams(),
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "scenegate-slice-io-" + number.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    // An idle process holds no I/O threads.
    io.allowCoreThreadTimeOut(true);
  }

  /**
   * The process's instance, with {@link SliceSettings#fromEnvironment} of this process's
   * environment: one buffer pool and one set of I/O threads for every verification it runs.
   */
  public static SlicedDigest shared() {
    SlicedDigest instance = shared;
    if (instance == null) {
      synchronized (SlicedDigest.class) {
        instance = shared;
        if (instance == null) {
          instance = new SlicedDigest(SliceSettings.fromEnvironment(System.getenv()));
          shared = instance;
        }
      }
    }
    return instance;
  }

  public SliceSettings settings() {
    return settings;
  }

  SliceBuffers buffers() {
    return buffers;
  }

  /** Whether {@code object} is large enough to be read in slices. */
  public boolean applies(ObjectInfo object) {
    return object.size() > settings.thresholdBytes();
  }

  /** SHA-256 of the object's pinned generation; {@code progress} hears each slice hashed. */
  public Sha256.Digest digest(ObjectStore store, ObjectInfo object, LongConsumer progress)
      throws IOException {
    return read(store, object, progress).digest();
  }

  /** What a sliced read computed: the digest and the CRC32C (as GCS writes it) of the bytes. */
  record Result(Sha256.Digest digest, String crc32c) {}

  Result read(ObjectStore store, ObjectInfo object, LongConsumer progress) throws IOException {
    long size = object.size();
    int sliceBytes = settings.sliceBytes();
    long slices = (size + sliceBytes - 1) / sliceBytes;
    MessageDigest sha = Sha256.newDigest();
    CRC32C crc = new CRC32C();
    ArrayDeque<Slice> inFlight = new ArrayDeque<>();
    long next = 0;
    try {
      for (long hashed = 0; hashed < slices; hashed++) {
        while (next < slices && inFlight.size() < settings.streams()) {
          // Wait for a buffer only when holding none: a read that holds some never blocks on
          // another read's, so concurrent sliced reads cannot wait on each other forever.
          byte[] buffer = inFlight.isEmpty() ? buffers.acquire() : buffers.tryAcquire();
          if (buffer == null) {
            break;
          }
          long offset = next * sliceBytes;
          Slice slice = new Slice(offset, (int) Math.min(sliceBytes, size - offset), buffer);
          try {
            slice.future = io.submit(() -> slice.fill(store, object));
          } catch (RuntimeException e) {
            buffers.release(buffer);
            throw e;
          }
          inFlight.add(slice);
          next++;
        }
        // Stays in flight until hashed: if it failed, the finally below returns its buffer.
        Slice head = inFlight.peek();
        await(head.future);
        sha.update(head.buffer, 0, head.length);
        crc.update(head.buffer, 0, head.length);
        inFlight.poll();
        buffers.release(head.buffer);
        progress.accept(head.length);
      }
    } finally {
      for (Slice slice : inFlight) {
        slice.abandon();
      }
    }
    String crc32c = Crc32c.encode(crc.getValue());
    if (object.crc32c() != null && Crc32c.decode(object.crc32c()) != (int) crc.getValue()) {
      throw new TransientStorageException(
          store.describe(object.name())
              + ": CRC32C of the sliced download "
              + crc32c
              + " does not match the object's "
              + object.crc32c()
              + " (transfer fault; retry)");
    }
    return new Result(new Sha256.Digest(HexFormat.of().formatHex(sha.digest()), size), crc32c);
  }

  private static void await(Future<?> future) throws IOException {
    try {
      future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("sliced read interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
  }

  /**
   * One ranged read into one pool buffer. The hashing thread returns the buffer: after hashing the
   * slice, or, when the read is abandoned (another slice failed), once the download has stopped
   * writing into it, so when {@link #read} returns every buffer it took is back in the pool.
   */
  private final class Slice {
    private static final int QUEUED = 0;
    private static final int READING = 1;
    private static final int ABANDONED = 2;

    final long offset;
    final int length;
    final byte[] buffer;
    final AtomicInteger state = new AtomicInteger(QUEUED);
    final CountDownLatch stopped = new CountDownLatch(1);
    Future<?> future;

    Slice(long offset, int length, byte[] buffer) {
      this.offset = offset;
      this.length = length;
      this.buffer = buffer;
    }

    Void fill(ObjectStore store, ObjectInfo object) throws IOException {
      if (!state.compareAndSet(QUEUED, READING)) {
        return null; // abandoned before it started
      }
      try (InputStream in = store.openRange(object.name(), object.generation(), offset, length)) {
        int n = in.readNBytes(buffer, 0, length);
        if (n < length) {
          throw new TransientStorageException(
              store.describe(object.name())
                  + ": slice at "
                  + offset
                  + " ended after "
                  + n
                  + " of "
                  + length
                  + " bytes");
        }
        return null;
      } finally {
        stopped.countDown();
      }
    }

    void abandon() {
      future.cancel(false);
      if (!state.compareAndSet(QUEUED, ABANDONED)) {
        // Started: wait until the download stops writing (at most one slice's worth).
        boolean interrupted = false;
        while (true) {
          try {
            stopped.await();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      buffers.release(buffer);
    }
  }
}
