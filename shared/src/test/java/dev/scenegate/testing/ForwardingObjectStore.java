package dev.scenegate.testing;

import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Forwards every call to a real store. Tests subclass it and override only the call they want to
 * observe or break (a fault, a race, a byte counter), so the rest stays real.
 */
public class ForwardingObjectStore implements ObjectStore {
  protected final ObjectStore delegate;

  public ForwardingObjectStore(ObjectStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public String bucket() {
    return delegate.bucket();
  }

  @Override
  public String describe(String name) {
    return delegate.describe(name);
  }

  @Override
  public Optional<ObjectInfo> stat(String name) throws IOException {
    return delegate.stat(name);
  }

  @Override
  public InputStream open(String name, long generation) throws IOException {
    return delegate.open(name, generation);
  }

  @Override
  public InputStream openRange(String name, long generation, long offset, long length)
      throws IOException {
    return delegate.openRange(name, generation, offset, length);
  }

  @Override
  public byte[] readSmall(String name, long generation, int maxBytes) throws IOException {
    return delegate.readSmall(name, generation, maxBytes);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return delegate.list(prefix);
  }

  @Override
  public ObjectInfo write(
      String name,
      byte[] data,
      String contentType,
      Map<String, String> metadata,
      Precondition precondition)
      throws IOException {
    return delegate.write(name, data, contentType, metadata, precondition);
  }

  @Override
  public void delete(String name, long ifGenerationMatch) throws IOException {
    delegate.delete(name, ifGenerationMatch);
  }

  @Override
  public ObjectInfo updateMetadata(
      String name, Map<String, String> metadata, long ifMetagenerationMatch) throws IOException {
    return delegate.updateMetadata(name, metadata, ifMetagenerationMatch);
  }

  @Override
  public void checkContained(String root, String name) throws IOException {
    delegate.checkContained(root, name);
  }
}
