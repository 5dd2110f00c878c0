package dev.scenegate.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A local folder acting as the bucket (the embedded default). Object names map to files under the
 * root. The generation is the file's modification time in microseconds; writes through this store
 * replace files atomically and always move the generation forward, so compare-and-set works as on
 * GCS. Custom metadata and the metageneration live in a sidecar under {@value #META_DIR}, tied to
 * the generation they were written for (a new generation starts with no metadata, as on GCS).
 */
public final class LocalObjectStore implements ObjectStore {
  /** Sidecar metadata; never listed as objects. */
  public static final String META_DIR = "_scenegate/objmeta/";

  private static final String TMP_PREFIX = ".scenegate-tmp-";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Writers of one object serialise on a stripe, JVM-wide (two stores on one folder, e.g. local
   * mode and a sweep in one process), and across processes ({@code scenegate local DIR} beside
   * {@code scenegate redrive --dir DIR}) on the same byte of a lock file, so a compare-and-set here
   * is as atomic as on Cloud Storage.
   */
  private static final int STRIPES = 64;

  private static final Object[] STRIPE_LOCKS = new Object[STRIPES];

  static {
    for (int i = 0; i < STRIPES; i++) {
      STRIPE_LOCKS[i] = new Object();
    }
  }

  private static final String LOCK_FILE = "_scenegate/" + TMP_PREFIX + "locks";

  private final Path root;

  public LocalObjectStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  @Override
  public String bucket() {
    return root.toString();
  }

  @Override
  public String describe(String name) {
    return root.resolve(name).toString();
  }

  /** The file behind an object name; refuses names that would leave the root. */
  public Path file(String name) {
    if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("invalid object name: " + name);
    }
    for (String segment : name.split("/", -1)) {
      if (segment.equals("..") || segment.equals(".")) {
        throw new IllegalArgumentException("invalid object name: " + name);
      }
    }
    return root.resolve(name);
  }

  @Override
  public Optional<ObjectInfo> stat(String name) throws IOException {
    return stat(name, file(name));
  }

  private Optional<ObjectInfo> stat(String name, Path file) throws IOException {
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!attrs.isRegularFile()) {
      return Optional.empty();
    }
    long generation = generationOf(attrs.lastModifiedTime());
    Sidecar sidecar = readSidecar(name, generation);
    return Optional.of(
        new ObjectInfo(
            name,
            attrs.size(),
            generation,
            sidecar.metageneration,
            null,
            null,
            attrs.lastModifiedTime().toInstant(),
            sidecar.metadata));
  }

  @Override
  public InputStream open(String name, long generation) throws IOException {
    Path file = file(name);
    InputStream in = new LocalFileStream(FileChannel.open(file, StandardOpenOption.READ));
    // Checked after opening: a replace after this point cannot change what this stream reads.
    long current = generationOf(Files.getLastModifiedTime(file));
    if (generation > 0 && current != generation) {
      in.close();
      throw new NoSuchFileException(name + "#" + generation + " (now #" + current + ")");
    }
    return in;
  }

  @Override
  public InputStream openRange(String name, long generation, long offset, long length)
      throws IOException {
    RangeArguments.check(generation, offset, length);
    LocalFileStream in = (LocalFileStream) open(name, generation);
    // Past the end is allowed: the channel then reads nothing.
    in.channel().position(offset);
    return new RangeArguments.Limited(in, length);
  }

  @Override
  public byte[] readSmall(String name, long generation, int maxBytes) throws IOException {
    try (InputStream in = open(name, generation)) {
      byte[] data = in.readNBytes(maxBytes + 1);
      if (data.length > maxBytes) {
        throw new ObjectTooLargeException(describe(name), Files.size(file(name)), maxBytes);
      }
      return data;
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    Path start = root;
    int slash = prefix.lastIndexOf('/');
    if (slash > 0) {
      start = file(prefix.substring(0, slash));
    }
    if (!Files.isDirectory(start)) {
      return List.of();
    }
    // Names come from the walk, not from file(name): a file whose name an object name cannot
    // carry (a backslash is legal in a Linux file name) is still listed, so callers can refuse it
    // rather than never see it.
    Map<String, Path> files = new java.util.TreeMap<>();
    try (Stream<Path> walk = Files.walk(start, FileVisitOption.FOLLOW_LINKS)) {
      walk.filter(p -> Files.isRegularFile(p)).forEach(p -> files.put(objectName(p), p));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    List<ObjectInfo> result = new ArrayList<>(files.size());
    for (Map.Entry<String, Path> entry : files.entrySet()) {
      String name = entry.getKey();
      if (name.startsWith(prefix)
          && !name.startsWith(META_DIR)
          && !baseName(name).startsWith(TMP_PREFIX)) {
        stat(name, entry.getValue()).ifPresent(result::add);
      }
    }
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
    Path file = file(name);
    return exclusive(name, () -> writeLocked(name, file, data, metadata, precondition));
  }

  private ObjectInfo writeLocked(
      String name, Path file, byte[] data, Map<String, String> metadata, Precondition precondition)
      throws IOException {
    Optional<ObjectInfo> current = stat(name);
    check(name, current, precondition);
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(TMP_PREFIX + UUID.randomUUID());
    try {
      Files.write(tmp, data);
      long generation = nextGeneration(current);
      Files.setLastModifiedTime(tmp, FileTime.from(generation, TimeUnit.MICROSECONDS));
      move(tmp, file);
    } finally {
      Files.deleteIfExists(tmp);
    }
    ObjectInfo written = stat(name).orElseThrow(() -> new NoSuchFileException(name));
    Map<String, String> kept = CustomMetadata.withoutEmptyValues(metadata);
    if (!kept.isEmpty()) {
      writeSidecar(name, written.generation(), 1, kept);
    } else {
      Files.deleteIfExists(sidecarFile(name));
    }
    return stat(name).orElseThrow(() -> new NoSuchFileException(name));
  }

  @Override
  public void delete(String name, long ifGenerationMatch) throws IOException {
    Path file = file(name);
    exclusive(
        name,
        () -> {
          ObjectInfo current = stat(name).orElseThrow(() -> new NoSuchFileException(name));
          if (current.generation() != ifGenerationMatch) {
            throw new PreconditionFailedException(
                name, "generation is " + current.generation() + ", not " + ifGenerationMatch);
          }
          Files.delete(file);
          Files.deleteIfExists(sidecarFile(name));
          return null;
        });
  }

  @Override
  public ObjectInfo updateMetadata(
      String name, Map<String, String> metadata, long ifMetagenerationMatch) throws IOException {
    return exclusive(name, () -> updateMetadataLocked(name, metadata, ifMetagenerationMatch));
  }

  private ObjectInfo updateMetadataLocked(
      String name, Map<String, String> metadata, long ifMetagenerationMatch) throws IOException {
    ObjectInfo current = stat(name).orElseThrow(() -> new NoSuchFileException(name));
    if (current.metageneration() != ifMetagenerationMatch) {
      throw new PreconditionFailedException(
          name, "metageneration is " + current.metageneration() + ", not " + ifMetagenerationMatch);
    }
    Map<String, String> merged = new LinkedHashMap<>(current.metadata());
    metadata.forEach(
        (k, v) -> {
          if (CustomMetadata.absent(v)) {
            merged.remove(k);
          } else {
            merged.put(k, v);
          }
        });
    writeSidecar(name, current.generation(), current.metageneration() + 1, merged);
    return stat(name).orElseThrow(() -> new NoSuchFileException(name));
  }

  @Override
  public void checkContained(String rootPrefix, String name) throws IOException {
    Path base = rootPrefix.isEmpty() ? root : file(stripSlash(rootPrefix));
    Path target = file(name);
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(target)) {
      // Check the deepest existing ancestor: a linked folder on the way could still lead out.
      Path existing = target.getParent();
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null) {
        return;
      }
      target = existing;
    }
    if (!Files.exists(base)) {
      return;
    }
    Path realBase = base.toRealPath();
    Path real;
    try {
      real = target.toRealPath();
    } catch (NoSuchFileException e) {
      throw new PathEscapesException(name, "dangling symlink");
    }
    if (!real.startsWith(realBase)) {
      throw new PathEscapesException(name, "resolves outside its folder through a symlink");
    }
  }

  private String objectName(Path file) {
    String relative = root.relativize(file).toString();
    char separator = file.getFileSystem().getSeparator().charAt(0);
    return separator == '/' ? relative : relative.replace(separator, '/');
  }

  private static String stripSlash(String prefix) {
    return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }

  private static String baseName(String name) {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? name : name.substring(slash + 1);
  }

  @FunctionalInterface
  private interface Locked<T> {
    T run() throws IOException;
  }

  /** Runs {@code body} while no other writer, in this process or another, writes {@code name}. */
  private <T> T exclusive(String name, Locked<T> body) throws IOException {
    int stripe = Math.floorMod((root + "\0" + name).hashCode(), STRIPES);
    synchronized (STRIPE_LOCKS[stripe]) {
      Path lockFile = root.resolve(LOCK_FILE);
      Files.createDirectories(lockFile.getParent());
      try (FileChannel channel =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = channel.lock(stripe, 1, false)) {
        return body.run();
      }
    }
  }

  private static void check(String name, Optional<ObjectInfo> current, Precondition precondition)
      throws PreconditionFailedException {
    switch (precondition.kind()) {
      case NONE -> {}
      case DOES_NOT_EXIST -> {
        if (current.isPresent()) {
          throw new PreconditionFailedException(name, "object already exists");
        }
      }
      case GENERATION_MATCH -> {
        long actual = current.map(ObjectInfo::generation).orElse(0L);
        if (actual != precondition.generation()) {
          throw new PreconditionFailedException(
              name, "generation is " + actual + ", not " + precondition.generation());
        }
      }
    }
  }

  /** Now, in microseconds, but always past the current generation. */
  private static long nextGeneration(Optional<ObjectInfo> current) {
    Instant now = Instant.now();
    long micros = TimeUnit.SECONDS.toMicros(now.getEpochSecond()) + now.getNano() / 1000;
    long floor = current.map(ObjectInfo::generation).orElse(0L) + 1;
    return Math.max(micros, floor);
  }

  private static long generationOf(FileTime time) {
    return Math.max(1, time.to(TimeUnit.MICROSECONDS));
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private Path sidecarFile(String name) {
    return root.resolve(META_DIR + name + ".json");
  }

  private record Sidecar(long metageneration, Map<String, String> metadata) {}

  private Sidecar readSidecar(String name, long generation) throws IOException {
    Path file = sidecarFile(name);
    if (!Files.exists(file)) {
      return new Sidecar(1, Map.of());
    }
    try {
      ObjectNode node = (ObjectNode) JSON.readTree(file.toFile());
      if (node.path("generation").asLong() != generation) {
        return new Sidecar(1, Map.of());
      }
      Map<String, String> metadata = new HashMap<>();
      node.path("metadata")
          .fields()
          .forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
      return new Sidecar(node.path("metageneration").asLong(1), metadata);
    } catch (IOException | ClassCastException e) {
      // A torn or foreign sidecar is treated as no metadata; it is rewritten on the next update.
      return new Sidecar(1, Map.of());
    }
  }

  private void writeSidecar(
      String name, long generation, long metageneration, Map<String, String> metadata)
      throws IOException {
    Path file = sidecarFile(name);
    Files.createDirectories(file.getParent());
    ObjectNode node = JSON.createObjectNode();
    node.put("generation", generation);
    node.put("metageneration", metageneration);
    ObjectNode meta = node.putObject("metadata");
    metadata.forEach(meta::put);
    Path tmp = file.resolveSibling(TMP_PREFIX + UUID.randomUUID());
    try {
      Files.write(tmp, JSON.writeValueAsBytes(node));
      move(tmp, file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
