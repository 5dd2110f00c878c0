package dev.scenegate.testing;

import dev.scenegate.devtools.ChildProcess;
import dev.scenegate.devtools.DevTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * JUnit 5 extension giving tests a real fake-gcs-server and a real Google Pub/Sub emulator, each
 * started at most once per JVM on a free port (shared by every test class) and stopped when the JVM
 * exits. Isolate tests with fresh names: {@link FakeGcs#createBucket()}, {@link
 * PubSubEmulator#createTopic(String)}.
 *
 * <pre>{@code
 * @RegisterExtension static final Emulators EMULATORS = Emulators.gcsAndPubSub();
 * ... Storage storage = EMULATORS.gcs().storage(); String bucket = EMULATORS.gcs().createBucket();
 * }</pre>
 *
 * or {@code @ExtendWith(Emulators.class)} and take {@link FakeGcs} / {@link PubSubEmulator} as test
 * or lifecycle method parameters. A missing emulator binary skips the tests with the reason (via an
 * assumption), except under {@code CI=true}, where it fails them with the reason. Emulator logs are
 * written to {@code target/emulators/}.
 */
public final class Emulators implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

  private static final DevTools TOOLS = DevTools.fromEnvironment(System.getenv());

  /** Under {@code CI=true} a missing emulator fails the tests instead of skipping them. */
  private static final boolean REQUIRED =
      "true".equalsIgnoreCase(System.getenv().getOrDefault("CI", ""))
          || Boolean.getBoolean("scenegate.emulators.required");

  private static final Object LOCK = new Object();
  private static Started<FakeGcs> gcs;
  private static Started<PubSubEmulator> pubSub;
  private static Started<FakeGcs> fileBackedGcs;
  private static final Map<String, FakeGcs> NOTIFYING = new HashMap<>();

  private final boolean wantGcs;
  private final boolean wantPubSub;

  /** For {@code @ExtendWith(Emulators.class)}: emulators start when a parameter asks for them. */
  public Emulators() {
    this(false, false);
  }

  private Emulators(boolean wantGcs, boolean wantPubSub) {
    this.wantGcs = wantGcs;
    this.wantPubSub = wantPubSub;
  }

  /** fake-gcs-server only. */
  public static Emulators gcsOnly() {
    return new Emulators(true, false);
  }

  /** The Pub/Sub emulator only. */
  public static Emulators pubSubOnly() {
    return new Emulators(false, true);
  }

  /** Both emulators. */
  public static Emulators gcsAndPubSub() {
    return new Emulators(true, true);
  }

  /** Starts what this instance wants before the class's own {@code @BeforeAll} methods run. */
  @Override
  public void beforeAll(ExtensionContext context) {
    try {
      startWanted();
    } catch (TestAbortedException e) {
      // Reported per test in beforeEach, so every skipped test shows the reason.
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    startWanted();
  }

  private void startWanted() {
    if (wantGcs) {
      gcs();
    }
    if (wantPubSub) {
      pubSub();
    }
  }

  /** The shared fake-gcs-server, started on first use. */
  public FakeGcs gcs() {
    synchronized (LOCK) {
      if (gcs == null) {
        gcs = startGcs();
      }
      return gcs.get();
    }
  }

  /**
   * A second shared fake-gcs-server that keeps objects in files under {@code target/emulators}
   * ({@link FakeGcs#objectFile}), so a test can corrupt what the server sends without the server
   * knowing. Started on first use.
   */
  public FakeGcs fileBackedGcs() {
    synchronized (LOCK) {
      if (fileBackedGcs == null) {
        DevTools.Located binary = TOOLS.fakeGcsServer();
        if (!binary.isPresent()) {
          fileBackedGcs = Started.missing(binary.missingReason());
        } else {
          try {
            Path root = Files.createTempDirectory(logDir(), "fake-gcs-files-");
            fileBackedGcs =
                Started.of(
                    launchGcs(
                        binary,
                        "fake-gcs-server-files",
                        List.of("-backend", "filesystem", "-filesystem-root", root.toString()),
                        Map.of(),
                        root));
          } catch (IOException | RuntimeException e) {
            fileBackedGcs = Started.failed(e);
          }
        }
      }
      return fileBackedGcs.get();
    }
  }

  /** The shared Pub/Sub emulator, started on first use. */
  public PubSubEmulator pubSub() {
    synchronized (LOCK) {
      if (pubSub == null) {
        pubSub = startPubSub();
      }
      return pubSub.get();
    }
  }

  /**
   * A second fake-gcs-server that publishes a notification to Pub/Sub topic {@code topicId} (in the
   * shared emulator's {@code test-project}; create it first) for every event in {@code events}
   * ({@code finalize}, {@code delete}, {@code metadataUpdate}; default finalize) on objects whose
   * name starts with {@code objectPrefix} (null or empty: all). The message is what GCS sends to a
   * Pub/Sub notification: the object resource as JSON data, attributes {@code eventType}, {@code
   * bucketId}, {@code objectId}, ... One server per distinct argument set per JVM; stop it early
   * with {@link FakeGcs#stop()} or leave it to JVM exit.
   */
  public FakeGcs notifyingGcs(String topicId, String objectPrefix, String... events) {
    PubSubEmulator emulator = pubSub();
    String eventList = events.length == 0 ? "finalize" : String.join(",", events);
    String key = topicId + "|" + objectPrefix + "|" + eventList;
    synchronized (LOCK) {
      FakeGcs existing = NOTIFYING.get(key);
      if (existing != null && existing.alive()) {
        return existing;
      }
      DevTools.Located binary = requirePresent(TOOLS.fakeGcsServer());
      List<String> extra = new ArrayList<>();
      extra.add("-event.pubsub-project-id");
      extra.add(emulator.projectId());
      extra.add("-event.pubsub-topic");
      extra.add(topicId);
      extra.add("-event.list");
      extra.add(eventList);
      if (objectPrefix != null && !objectPrefix.isEmpty()) {
        extra.add("-event.object-prefix");
        extra.add(objectPrefix);
      }
      FakeGcs server =
          launchGcs(
              binary,
              "fake-gcs-server-notifying",
              extra,
              Map.of("PUBSUB_EMULATOR_HOST", emulator.host()),
              null);
      NOTIFYING.put(key, server);
      return server;
    }
  }

  /** Whether a missing emulator fails (CI) rather than skips. */
  public static boolean required() {
    return REQUIRED;
  }

  /** {@code target/emulators} of the module under test (Maven runs tests in the module dir). */
  static Path logDir() throws IOException {
    Path dir = Path.of(System.getProperty("user.dir"), "target", "emulators");
    Files.createDirectories(dir);
    return dir;
  }

  /** An emulator on a free port, up once {@code readinessPath} answers 200; logs in logDir(). */
  private static ChildProcess startEmulator(
      String name, IntFunction<List<String>> command, Map<String, String> env, String readinessPath)
      throws IOException {
    Path logs = logDir();
    return ChildProcess.start(
        name,
        command,
        env,
        port -> logs.resolve(name + "-" + port + ".log"),
        readinessPath,
        ChildProcess.Readiness.HTTP_200);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    Class<?> type = parameter.getParameter().getType();
    return type == FakeGcs.class || type == PubSubEmulator.class || type == Emulators.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension)
      throws ParameterResolutionException {
    Class<?> type = parameter.getParameter().getType();
    if (type == FakeGcs.class) {
      return gcs();
    }
    if (type == PubSubEmulator.class) {
      return pubSub();
    }
    return this;
  }

  private static Started<FakeGcs> startGcs() {
    DevTools.Located binary = TOOLS.fakeGcsServer();
    if (!binary.isPresent()) {
      return Started.missing(binary.missingReason());
    }
    try {
      return Started.of(launchGcs(binary, "fake-gcs-server", List.of(), Map.of(), null));
    } catch (RuntimeException e) {
      return Started.failed(e);
    }
  }

  /** Extra flags may override the defaults (flag parsing keeps the last value). */
  private static FakeGcs launchGcs(
      DevTools.Located binary,
      String name,
      List<String> extra,
      Map<String, String> env,
      Path filesystemRoot) {
    try {
      return new FakeGcs(
          startEmulator(
              name,
              port -> {
                List<String> command = new ArrayList<>();
                command.add(binary.path().toString());
                command.addAll(
                    List.of(
                        "-scheme", "http",
                        "-host", "127.0.0.1",
                        "-port", Integer.toString(port),
                        "-backend", "memory",
                        // Resumable uploads follow the Location header: it must name this port.
                        "-external-url", "http://127.0.0.1:" + port,
                        "-public-host", "127.0.0.1:" + port,
                        "-log-level", "warn"));
                command.addAll(extra);
                return command;
              },
              env,
              "/storage/v1/b"),
          filesystemRoot);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + binary.path() + ": " + e.getMessage(), e);
    }
  }

  private static Started<PubSubEmulator> startPubSub() {
    DevTools.Located launcher = TOOLS.pubSubEmulator();
    if (!launcher.isPresent()) {
      return Started.missing(launcher.missingReason());
    }
    try {
      ChildProcess process =
          startEmulator(
              "pubsub-emulator",
              port -> List.of(launcher.path().toString(), "--host=127.0.0.1", "--port=" + port),
              // A small heap: the machine is shared, and tests publish little.
              Map.of("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"),
              "/");
      return Started.of(new PubSubEmulator(process));
    } catch (IOException | RuntimeException e) {
      return Started.failed(e);
    }
  }

  private static DevTools.Located requirePresent(DevTools.Located located) {
    if (!located.isPresent()) {
      Started.missing(located.missingReason()).get();
    }
    return located;
  }

  /** A started emulator, or why there is none: missing binaries skip (fail under CI). */
  private record Started<T>(T value, String missingReason, Exception failure) {
    static <T> Started<T> of(T value) {
      return new Started<>(value, null, null);
    }

    static <T> Started<T> missing(String reason) {
      return new Started<>(null, reason, null);
    }

    static <T> Started<T> failed(Exception failure) {
      return new Started<>(null, null, failure);
    }

    T get() {
      if (value != null) {
        return value;
      }
      if (failure != null) {
        throw new IllegalStateException(
            "emulator failed to start: " + failure.getMessage(), failure);
      }
      if (REQUIRED) {
        throw new IllegalStateException("CI=true and an emulator is missing: " + missingReason);
      }
      Assumptions.abort("emulator missing, test skipped: " + missingReason);
      throw new AssertionError("unreachable");
    }
  }
}
