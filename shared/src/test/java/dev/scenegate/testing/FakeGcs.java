package dev.scenegate.testing;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.scenegate.devtools.ChildProcess;
import java.nio.file.Path;
import java.util.Map;

/**
 * A running fake-gcs-server (in-memory backend, plain HTTP on 127.0.0.1). Get one from {@link
 * Emulators}; create a fresh bucket per test (or per class) with {@link #createBucket()}.
 */
public final class FakeGcs {
  public static final String PROJECT_ID = "test-project";

  private final ChildProcess process;
  private final Path filesystemRoot;
  private volatile Storage storage;

  FakeGcs(ChildProcess process, Path filesystemRoot) {
    this.process = process;
    this.filesystemRoot = filesystemRoot;
  }

  /**
   * The file holding an object's bytes, for a server from {@link Emulators#fileBackedGcs()}: change
   * bytes in place (same length) to make the server serve content that no longer matches the
   * object's recorded CRC32C and MD5, as a corrupting transfer would.
   */
  public Path objectFile(String bucket, String name) {
    if (filesystemRoot == null) {
      throw new IllegalStateException(this + " keeps objects in memory");
    }
    return filesystemRoot.resolve(bucket).resolve(name);
  }

  public int port() {
    return process.port();
  }

  /** {@code 127.0.0.1:PORT}. */
  public String host() {
    return "127.0.0.1:" + port();
  }

  /** {@code http://127.0.0.1:PORT}: the JSON API root, as google-cloud-storage wants its host. */
  public String url() {
    return "http://" + host();
  }

  /** The value for {@code STORAGE_EMULATOR_HOST} (scheme included, as gcloud and Python use). */
  public String storageEmulatorHost() {
    return url();
  }

  /** Environment for a child process (the CLI jar, say) that should talk to this server. */
  public Map<String, String> env() {
    return Map.of(
        "STORAGE_EMULATOR_HOST", storageEmulatorHost(), "GOOGLE_CLOUD_PROJECT", PROJECT_ID);
  }

  /** One client per server, shared by all tests (clients are thread-safe and costly to build). */
  public Storage storage() {
    Storage s = storage;
    if (s == null) {
      synchronized (this) {
        if (storage == null) {
          storage = newStorage();
        }
        s = storage;
      }
    }
    return s;
  }

  /** A new client pointed at this server, without credentials. */
  public Storage newStorage() {
    return StorageOptions.newBuilder()
        .setHost(url())
        .setProjectId(PROJECT_ID)
        .setCredentials(NoCredentials.getInstance())
        .build()
        .getService();
  }

  /** Creates a bucket with a fresh unique name and returns the name. */
  public String createBucket() {
    return createBucket("b");
  }

  /** Creates a bucket named from {@code hint} plus a unique suffix and returns the name. */
  public String createBucket(String hint) {
    String name = UniqueNames.bucket(hint);
    storage().create(BucketInfo.of(name));
    return name;
  }

  /**
   * Creates a bucket with object versioning on (fake-gcs-server keeps replaced generations and
   * serves them by generation, as GCS does) and returns the name.
   */
  public String createVersionedBucket(String hint) {
    String name = UniqueNames.bucket(hint);
    storage().create(BucketInfo.newBuilder(name).setVersioningEnabled(true).build());
    return name;
  }

  /** The server's log file (under the module's {@code target/emulators}). */
  public Path log() {
    return process.log();
  }

  public boolean alive() {
    return process.alive();
  }

  /** Stops this server now; servers not stopped this way stop when the JVM exits. */
  public void stop() {
    Storage s = storage;
    if (s != null) {
      try {
        s.close();
      } catch (Exception e) {
        // Closing a client of a server about to stop: nothing useful to do.
      }
    }
    process.stop();
  }

  @Override
  public String toString() {
    return "fake-gcs-server at " + url();
  }
}
