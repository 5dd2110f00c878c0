package dev.scenegate.backfill;

import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.testing.ForwardingObjectStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delegates to a real store, counting every byte read through {@link #open} and letting a test act
 * just before an object is opened or its metadata updated (to delete it, change it, or fail).
 */
final class InstrumentedStore extends ForwardingObjectStore {

  /** What a test does just before an operation on one object. */
  @FunctionalInterface
  interface Hook {
    void run(String name) throws IOException;
  }

  final AtomicLong bytesRead = new AtomicLong();
  final Map<String, AtomicLong> opens = new ConcurrentHashMap<>();
  final Map<String, Hook> beforeOpen = new ConcurrentHashMap<>();
  final Map<String, Hook> beforeUpdate = new ConcurrentHashMap<>();
  final AtomicLong writes = new AtomicLong();

  InstrumentedStore(ObjectStore delegate) {
    super(delegate);
  }

  @Override
  public InputStream open(String name, long generation) throws IOException {
    Hook hook = beforeOpen.remove(name);
    if (hook != null) {
      hook.run(name);
    }
    opens.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
    return new FilterInputStream(delegate.open(name, generation)) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          bytesRead.incrementAndGet();
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int off, int len) throws IOException {
        int n = super.read(buffer, off, len);
        if (n > 0) {
          bytesRead.addAndGet(n);
        }
        return n;
      }
    };
  }

  @Override
  public ObjectInfo write(
      String name,
      byte[] data,
      String contentType,
      Map<String, String> metadata,
      Precondition precondition)
      throws IOException {
    writes.incrementAndGet();
    return delegate.write(name, data, contentType, metadata, precondition);
  }

  @Override
  public ObjectInfo updateMetadata(
      String name, Map<String, String> metadata, long ifMetagenerationMatch) throws IOException {
    Hook hook = beforeUpdate.remove(name);
    if (hook != null) {
      hook.run(name);
    }
    return delegate.updateMetadata(name, metadata, ifMetagenerationMatch);
  }
}
