package dev.scenegate.storage;

import java.util.Objects;

/**
 * One generation of a small object read whole: what {@link ObjectStore#readCurrent} returns. The
 * bytes are exactly those of {@code info.generation()}.
 */
public record ObjectContent(ObjectInfo info, byte[] bytes) {
  public ObjectContent {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(bytes, "bytes");
  }

  public long generation() {
    return info.generation();
  }
}
