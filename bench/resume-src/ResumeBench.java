import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.Trigger;
import dev.scenegate.scene.Stage;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.verify.VerifyBudgetExhaustedException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** See bench/resume. Args: work dir, scene MiB, file MiB, VERIFY_BUDGET, verify threads. */
public class ResumeBench {
  /** The folder store, counting every byte read from an opened object (cut-off reads included). */
  static final class Counting implements ObjectStore {
    final ObjectStore d;
    final AtomicLong read = new AtomicLong();

    Counting(ObjectStore d) {
      this.d = d;
    }

    public String bucket() { return d.bucket(); }
    public String describe(String n) { return d.describe(n); }
    public Optional<ObjectInfo> stat(String n) throws IOException { return d.stat(n); }
    public byte[] readSmall(String n, long g, int m) throws IOException { return d.readSmall(n, g, m); }
    public List<ObjectInfo> list(String p) throws IOException { return d.list(p); }
    public ObjectInfo write(String n, byte[] b, String c, Map<String, String> m, Precondition p)
        throws IOException { return d.write(n, b, c, m, p); }
    public void delete(String n, long g) throws IOException { d.delete(n, g); }
    public ObjectInfo updateMetadata(String n, Map<String, String> m, long g) throws IOException {
      return d.updateMetadata(n, m, g);
    }
    public void checkContained(String r, String n) throws IOException { d.checkContained(r, n); }

    public InputStream open(String n, long g) throws IOException {
      return new FilterInputStream(d.open(n, g)) {
        public int read(byte[] b, int off, int len) throws IOException {
          int k = super.read(b, off, len);
          if (k > 0) read.addAndGet(k);
          return k;
        }
        public int read() throws IOException {
          int k = super.read();
          if (k >= 0) read.incrementAndGet();
          return k;
        }
      };
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long sceneBytes = Long.parseLong(args[1]) << 20;
    long fileBytes = Long.parseLong(args[2]) << 20;
    String budget = args[3];
    String threads = args[4];
    String scene = "resume_scene";
    Path assets = dir.resolve("scenes/" + scene + "/assets");
    Files.createDirectories(assets);

    // Files of at most fileBytes, the last ones a little smaller, random content.
    System.err.printf("resume: writing %d MiB in files of <= %d MiB ...%n", sceneBytes >> 20, fileBytes >> 20);
    List<ManifestEntry> entries = new ArrayList<>();
    Random random = new Random(42);
    byte[] block = new byte[1 << 20];
    long left = sceneBytes;
    for (int i = 0; left > 0; i++) {
      long size = Math.min(left, fileBytes - (i % 3) * (1 << 20));
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String name = String.format("part_%03d.usd", i);
      try (OutputStream out = Files.newOutputStream(assets.resolve(name))) {
        for (long written = 0; written < size; written += block.length) {
          random.nextBytes(block);
          int n = (int) Math.min(block.length, size - written);
          out.write(block, 0, n);
          sha.update(block, 0, n);
        }
      }
      entries.add(ManifestEntry.of(name, HexFormat.of().formatHex(sha.digest()), size));
      left -= size;
    }
    Files.write(
        assets.resolve(ChecksumManifest.FILE_NAME),
        ManifestCodec.write(ChecksumManifest.of("2026-01-01T00:00:00Z", "/mnt", entries)));
    Files.write(assets.resolve(".regen3d_complete"), new byte[0]);

    LocalObjectStore local = new LocalObjectStore(dir);
    Counting store = new Counting(local);
    EventPublisher quiet = message -> "local";
    MarkerHandler handler =
        new MarkerHandler(
            store,
            quiet,
            new SimpleMeterRegistry(),
            MarkerConfig.fromEnv(Map.of("VERIFY_BUDGET", budget, "VERIFY_THREADS", threads)),
            Clock.systemUTC());
    ObjectInfo marker = local.stat("scenes/" + scene + "/assets/.regen3d_complete").orElseThrow();
    Trigger trigger = Trigger.of(local.bucket(), marker.name(), marker.generation());

    int deliveries = 0;
    long start = System.nanoTime();
    while (true) {
      deliveries++;
      try {
        handler.handle(trigger);
        break;
      } catch (VerifyBudgetExhaustedException e) {
        System.err.printf("resume: delivery %d cut off by the budget, %d files left%n", deliveries, e.filesLeft());
      }
      if (deliveries > 1000) {
        throw new IllegalStateException("no verdict after 1000 deliveries");
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    var state = handler.stateStore(local.bucket()).find(scene).orElseThrow().state();
    var record = state.stage(Stage.REGEN3D);
    System.out.printf("resume: scene %d MiB in %d files (<= %d MiB), VERIFY_BUDGET %s, %s threads%n",
        sceneBytes >> 20, entries.size(), fileBytes >> 20, budget, threads);
    System.out.printf("  regen3d %s after %d deliveries (%d redeliveries) in %.1f s%n",
        record.status().wireName(), deliveries, deliveries - 1, seconds);
    System.out.printf("  bytes read over all deliveries %d / scene bytes %d = %.3f (goal <= 1.05)%n",
        store.read.get(), sceneBytes, store.read.get() / (double) sceneBytes);
    System.out.printf("  last delivery: bytes_hashed %d, bytes_reused %d%n",
        record.details().path("bytes_hashed").asLong(), record.details().path("bytes_reused").asLong());
    if (!record.status().wireName().equals("passed")) {
      System.out.println("  not passed: " + record.details().path("reason").asText());
      System.exit(1);
    }
  }
}
