package dev.scenegate.storage;

import com.google.api.gax.paging.Page;
import com.google.cloud.BaseServiceException;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One Cloud Storage bucket as an {@link ObjectStore}, on google-cloud-storage. The {@link Storage}
 * client is injected (one per process, see {@link GcsClients}). Every read is pinned to one
 * generation and checked against the object's CRC32C; HTTP 412 becomes {@link
 * PreconditionFailedException}, 404 on a read {@link NoSuchFileException}, and 408/429/5xx or
 * network errors {@link TransientStorageException}.
 */
public final class GcsObjectStore implements ObjectStore {
  /** Download chunk per request; bounds memory per open stream. */
  private static final int READ_CHUNK_BYTES = 2 * 1024 * 1024;

  /**
   * Buffer of one ranged download. Sliced reads keep several in flight and read into buffers of
   * their own, so a small one keeps their memory near slices x slice size.
   */
  private static final int RANGE_CHUNK_BYTES = 256 * 1024;

  private static final long LIST_PAGE_SIZE = 1000;

  private final Storage storage;
  private final String bucket;

  public GcsObjectStore(Storage storage, String bucket) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.bucket = Objects.requireNonNull(bucket, "bucket");
  }

  @Override
  public String bucket() {
    return bucket;
  }

  @Override
  public String describe(String name) {
    return "gs://" + bucket + "/" + name;
  }

  @Override
  public Optional<ObjectInfo> stat(String name) throws IOException {
    try {
      return Optional.ofNullable(storage.get(BlobId.of(bucket, name))).map(GcsObjectStore::info);
    } catch (RuntimeException e) {
      throw translate(describe(name), e);
    }
  }

  @Override
  public InputStream open(String name, long generation) throws IOException {
    Blob blob = pinned(name, generation);
    return download(
        name, blob.getGeneration(), blob.getCrc32c(), blob.getSize() == null ? -1 : blob.getSize());
  }

  /**
   * The content of one generation whose metadata is known, its CRC32C checked at end of stream; a
   * gone generation answers 404, which the first read turns into {@link NoSuchFileException}.
   */
  private InputStream download(String name, long generation, String crc32c, long size)
      throws IOException {
    ReadChannel channel;
    try {
      channel = storage.reader(BlobId.of(bucket, name, generation));
      channel.setChunkSize(READ_CHUNK_BYTES);
    } catch (RuntimeException e) {
      throw translate(describe(name), e);
    }
    InputStream raw = new TranslatingInputStream(Channels.newInputStream(channel), describe(name));
    return new Crc32cCheckingInputStream(raw, describe(name), crc32c, size);
  }

  /**
   * One ranged download ({@code Range} header) of the pinned generation, with no stat first: a
   * sliced read makes many of these and already holds the object's metadata. A gone generation
   * answers 404, which the first read turns into {@link NoSuchFileException}.
   */
  @Override
  public InputStream openRange(String name, long generation, long offset, long length)
      throws IOException {
    RangeArguments.check(generation, offset, length);
    if (length == 0) {
      pinned(name, generation); // nothing to download, but a gone generation is still gone
      return InputStream.nullInputStream();
    }
    ReadChannel channel;
    try {
      channel = storage.reader(BlobId.of(bucket, name, generation));
      channel.setChunkSize(RANGE_CHUNK_BYTES);
      channel.seek(offset);
      long end = offset + length;
      channel.limit(end < 0 ? Long.MAX_VALUE : end);
    } catch (IOException | RuntimeException e) {
      throw translate(describe(name), e);
    }
    return new TranslatingInputStream(Channels.newInputStream(channel), describe(name));
  }

  @Override
  public byte[] readSmall(String name, long generation, int maxBytes) throws IOException {
    Blob blob = pinned(name, generation);
    return readWhole(
        name,
        blob.getGeneration(),
        blob.getCrc32c(),
        blob.getSize() == null ? -1 : blob.getSize(),
        maxBytes);
  }

  /** Two calls, not three: the stat that found {@code info} is the one look-up. */
  @Override
  public byte[] readSmall(ObjectInfo info, int maxBytes) throws IOException {
    return readWhole(info.name(), info.generation(), info.crc32c(), info.size(), maxBytes);
  }

  private byte[] readWhole(String name, long generation, String crc32c, long size, int maxBytes)
      throws IOException {
    if (size > maxBytes) {
      throw new ObjectTooLargeException(describe(name), size, maxBytes);
    }
    try (InputStream in = download(name, generation, crc32c, size)) {
      byte[] data = in.readNBytes(maxBytes + 1);
      if (data.length > maxBytes) {
        throw new ObjectTooLargeException(describe(name), data.length, maxBytes);
      }
      // Reach end of stream so the CRC32C is checked.
      if (in.read() != -1) {
        throw new ObjectTooLargeException(describe(name), size, maxBytes);
      }
      return data;
    }
  }

  /** The metadata of exactly {@code generation} (or of the live one when it is 0 or less). */
  private Blob pinned(String name, long generation) throws IOException {
    Blob blob;
    try {
      blob =
          generation > 0
              ? storage.get(BlobId.of(bucket, name, generation))
              : storage.get(BlobId.of(bucket, name));
    } catch (RuntimeException e) {
      throw translate(describe(name), e);
    }
    // Without object versioning a replaced generation is gone: the stat'ed object no longer exists.
    if (blob == null || (generation > 0 && blob.getGeneration() != generation)) {
      throw new NoSuchFileException(
          describe(name) + (generation > 0 ? "#" + generation : ""),
          null,
          "no such object generation");
    }
    return blob;
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    List<ObjectInfo> result = new ArrayList<>();
    try {
      Page<Blob> page =
          storage.list(
              bucket,
              Storage.BlobListOption.prefix(prefix),
              Storage.BlobListOption.pageSize(LIST_PAGE_SIZE));
      for (Blob blob : page.iterateAll()) {
        // Folder placeholders ("a/b/") made by consoles are not objects anyone wrote.
        if (!blob.getName().endsWith("/")) {
          result.add(info(blob));
        }
      }
    } catch (RuntimeException e) {
      throw translate(describe(prefix), e);
    }
    result.sort(Comparator.comparing(ObjectInfo::name));
    return result;
  }

  @Override
  public ObjectInfo write(
      String name,
      byte[] data,
      String contentType,
      Map<String, String> metadata,
      Precondition precondition)
      throws IOException {
    BlobInfo.Builder info = BlobInfo.newBuilder(BlobId.of(bucket, name));
    if (contentType != null) {
      info.setContentType(contentType);
    }
    Map<String, String> kept = CustomMetadata.withoutEmptyValues(metadata);
    if (!kept.isEmpty()) {
      info.setMetadata(kept);
    }
    Storage.BlobTargetOption[] options =
        switch (precondition.kind()) {
          case NONE -> new Storage.BlobTargetOption[0];
          case DOES_NOT_EXIST ->
              new Storage.BlobTargetOption[] {Storage.BlobTargetOption.doesNotExist()};
          case GENERATION_MATCH ->
              new Storage.BlobTargetOption[] {
                Storage.BlobTargetOption.generationMatch(precondition.generation())
              };
        };
    try {
      return info(storage.create(info.build(), data, options));
    } catch (RuntimeException e) {
      throw translate(describe(name), e);
    }
  }

  @Override
  public void delete(String name, long ifGenerationMatch) throws IOException {
    boolean deleted;
    try {
      deleted =
          storage.delete(
              BlobId.of(bucket, name), Storage.BlobSourceOption.generationMatch(ifGenerationMatch));
    } catch (RuntimeException e) {
      throw translate(describe(name), e);
    }
    if (!deleted) {
      throw new NoSuchFileException(describe(name));
    }
  }

  @Override
  public ObjectInfo updateMetadata(
      String name, Map<String, String> metadata, long ifMetagenerationMatch) throws IOException {
    // JSON API patch semantics: keys sent as null are removed, others merged.
    Map<String, String> patch = new HashMap<>();
    metadata.forEach((k, v) -> patch.put(k, CustomMetadata.absent(v) ? null : v));
    BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, name)).setMetadata(patch).build();
    try {
      Blob updated =
          storage.update(info, Storage.BlobTargetOption.metagenerationMatch(ifMetagenerationMatch));
      return info(updated);
    } catch (RuntimeException e) {
      throw translate(describe(name), e);
    }
  }

  static ObjectInfo info(Blob blob) {
    // Empty means removed (fake-gcs-server stores a removed key as "").
    Map<String, String> metadata = CustomMetadata.withoutEmptyValues(blob.getMetadata());
    OffsetDateTime updated = blob.getUpdateTimeOffsetDateTime();
    Instant updatedAt = updated == null ? null : updated.toInstant();
    return new ObjectInfo(
        blob.getName(),
        blob.getSize() == null ? 0 : blob.getSize(),
        blob.getGeneration() == null ? 0 : blob.getGeneration(),
        blob.getMetageneration() == null ? 0 : blob.getMetageneration(),
        blob.getCrc32c(),
        blob.getMd5(),
        updatedAt,
        metadata);
  }

  /** Maps a client failure to the port's typed exceptions. */
  static IOException translate(String object, Throwable failure) {
    BaseServiceException service = serviceException(failure);
    if (service == null) {
      if (failure instanceof IOException io) {
        return new TransientStorageException(object + ": " + io.getMessage(), io);
      }
      if (failure instanceof RuntimeException runtime) {
        throw runtime;
      }
      return new IOException(object + ": " + failure.getMessage(), failure);
    }
    int code = service.getCode();
    String message = object + ": " + service.getMessage();
    if (code == 0) {
      // No HTTP answer at all: name the network failure (unknown host, refused, reset ...).
      Throwable root = service;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      return new TransientStorageException(
          object + ": cannot reach Cloud Storage: " + networkFailure(root), failure);
    }
    if (code == 404) {
      NoSuchFileException missing = new NoSuchFileException(object, null, service.getMessage());
      missing.initCause(failure);
      return missing;
    }
    if (code == 412) {
      PreconditionFailedException conflict =
          new PreconditionFailedException(object, service.getMessage());
      conflict.initCause(failure);
      return conflict;
    }
    if (code == 408 || code == 429 || code >= 500 || service.isRetryable()) {
      return new TransientStorageException(message + " (HTTP " + code + ")", failure);
    }
    return new IOException(message + " (HTTP " + code + ")", failure);
  }

  /**
   * The network failure in words ("unknown host storage.googleapis.com"): people read this on
   * stderr, where a Java class name looks like a crash.
   */
  static String networkFailure(Throwable root) {
    String detail = root.getMessage() == null ? "" : root.getMessage();
    String what =
        switch (root.getClass().getSimpleName()) {
          case "UnknownHostException" -> "unknown host";
          case "ConnectException" -> "connection refused";
          case "NoRouteToHostException" -> "no route to host";
          case "SocketTimeoutException", "HttpTimeoutException" -> "timed out";
          case "SSLHandshakeException", "SSLException" -> "TLS failure";
          default -> "network error";
        };
    if (what.equals("unknown host")) {
      return what + " " + detail;
    }
    return detail.isBlank() || detail.equalsIgnoreCase(what) ? what : what + ": " + detail;
  }

  private static BaseServiceException serviceException(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BaseServiceException service) {
        return service;
      }
    }
    return null;
  }

  /** Turns the client's runtime and wrapped exceptions during a download into typed ones. */
  private static final class TranslatingInputStream extends FilterInputStream {
    private final String object;

    TranslatingInputStream(InputStream in, String object) {
      super(in);
      this.object = object;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException | RuntimeException e) {
        throw translateRead(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException | RuntimeException e) {
        throw translateRead(e);
      }
    }

    private IOException translateRead(Exception e) {
      if (e instanceof TransientStorageException
          || e instanceof NoSuchFileException
          || e instanceof PreconditionFailedException) {
        return (IOException) e;
      }
      if (serviceException(e) == null && e instanceof RuntimeException) {
        return new TransientStorageException(object + ": " + e.getMessage(), e);
      }
      return translate(object, e);
    }
  }
}
