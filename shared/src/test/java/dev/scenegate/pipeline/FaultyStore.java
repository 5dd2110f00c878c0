package dev.scenegate.pipeline;

import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.testing.ForwardingObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Delegates to a real store, failing the operations {@link #fault} says should fail. */
final class FaultyStore extends ForwardingObjectStore {
  /** Decides, per operation and object name, whether to throw instead. */
  interface Fault {
    void check(String operation, String name) throws IOException;
  }

  volatile Fault fault = (op, name) -> {};

  FaultyStore(ObjectStore delegate) {
    super(delegate);
  }

  @Override
  public Optional<ObjectInfo> stat(String name) throws IOException {
    fault.check("stat", name);
    return super.stat(name);
  }

  @Override
  public InputStream open(String name, long generation) throws IOException {
    fault.check("open", name);
    return super.open(name, generation);
  }

  @Override
  public byte[] readSmall(String name, long generation, int maxBytes) throws IOException {
    fault.check("read", name);
    return super.readSmall(name, generation, maxBytes);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    fault.check("list", prefix);
    return super.list(prefix);
  }

  @Override
  public ObjectInfo write(
      String name,
      byte[] data,
      String contentType,
      Map<String, String> metadata,
      Precondition precondition)
      throws IOException {
    fault.check("write", name);
    return super.write(name, data, contentType, metadata, precondition);
  }

  @Override
  public void delete(String name, long ifGenerationMatch) throws IOException {
    fault.check("delete", name);
    super.delete(name, ifGenerationMatch);
  }

  @Override
  public ObjectInfo updateMetadata(
      String name, Map<String, String> metadata, long ifMetagenerationMatch) throws IOException {
    fault.check("updateMetadata", name);
    return super.updateMetadata(name, metadata, ifMetagenerationMatch);
  }
}
