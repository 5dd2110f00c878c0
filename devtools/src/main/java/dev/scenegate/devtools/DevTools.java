package dev.scenegate.devtools;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the local servers' programs are, looked up once (for the dev stack and for the tests'
 * emulators): fake-gcs-server ({@code FAKE_GCS_SERVER}, the repository's {@code .tools/bin} from
 * {@code scripts/install-test-tools}, {@code PATH}, {@code ~/go/bin}), the Pub/Sub emulator ({@code
 * PUBSUB_EMULATOR}, or the launcher inside the Google Cloud SDK that {@code gcloud} on {@code PATH}
 * belongs to), the Functions Framework invoker ({@code FUNCTION_INVOKER_JAR}, {@code
 * function-invoker/java-function-invoker.jar} beside scenegate.jar where the build puts it, the
 * local Maven repository), and scenegate.jar itself.
 */
public record DevTools(Map<String, String> env, Optional<Path> repoRoot, Optional<Path> ownJar) {

  /**
   * The invoker version the build pins (parent pom {@code invoker.version}); only used to find it
   * in the local Maven repository when the build's copy is missing.
   */
  public static final String INVOKER_VERSION = "2.0.0";

  /** A program's path, or why there is none. */
  public record Located(Path path, String missingReason) {
    static Located found(Path path) {
      return new Located(path, null);
    }

    static Located missing(String reason) {
      return new Located(null, reason);
    }

    public boolean isPresent() {
      return path != null;
    }

    /** The path, or an IOException carrying the reason. */
    public Path require() throws IOException {
      if (path == null) {
        throw new IOException(missingReason);
      }
      return path;
    }
  }

  public static DevTools fromEnvironment(Map<String, String> env) {
    Optional<Path> jar = runningJar();
    Path start = jar.map(Path::getParent).orElse(Path.of(System.getProperty("user.dir")));
    Optional<Path> root = findRepoRoot(start);
    if (root.isEmpty()) {
      root = findRepoRoot(Path.of(System.getProperty("user.dir")));
    }
    return new DevTools(env, root, jar);
  }

  /** The folder holding {@code scripts/install-test-tools}, walking up from {@code start}. */
  static Optional<Path> findRepoRoot(Path start) {
    for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("scripts/install-test-tools"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  /** The jar this code runs from, when it runs from a jar. */
  static Optional<Path> runningJar() {
    try {
      var source = DevTools.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return Optional.empty();
      }
      Path path = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(path) && path.toString().endsWith(".jar")
          ? Optional.of(path)
          : Optional.empty();
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  public Located fakeGcsServer() {
    Optional<Located> explicit = explicit("FAKE_GCS_SERVER");
    if (explicit.isPresent()) {
      return explicit.get();
    }
    List<Path> tried = new ArrayList<>();
    if (repoRoot.isPresent()) {
      Path tools = repoRoot.get().resolve(".tools/bin/fake-gcs-server");
      tried.add(tools);
      if (Files.isExecutable(tools)) {
        return Located.found(tools);
      }
    }
    Optional<Path> onPath = onPath("fake-gcs-server");
    if (onPath.isPresent()) {
      return Located.found(onPath.get());
    }
    String home = System.getProperty("user.home");
    if (home != null) {
      Path goBin = Path.of(home, "go", "bin", "fake-gcs-server");
      tried.add(goBin);
      if (Files.isExecutable(goBin)) {
        return Located.found(goBin);
      }
    }
    return Located.missing(
        "fake-gcs-server not found (tried FAKE_GCS_SERVER, "
            + tried
            + " and PATH); run scripts/install-test-tools");
  }

  /** The SDK's {@code cloud-pubsub-emulator} launcher (what {@code gcloud beta emulators} runs). */
  public Located pubSubEmulator() {
    Optional<Located> explicit = explicit("PUBSUB_EMULATOR");
    if (explicit.isPresent()) {
      return explicit.get();
    }
    Optional<Path> gcloud = onPath("gcloud");
    if (gcloud.isEmpty()) {
      return Located.missing(
          "the Pub/Sub emulator needs the Google Cloud CLI (gcloud) on PATH with its"
              + " pubsub-emulator component (package google-cloud-cli-pubsub-emulator)");
    }
    Path launcher;
    try {
      // gcloud on PATH is usually a symlink into <sdk>/bin.
      Path sdk = gcloud.get().toRealPath().getParent().getParent();
      launcher = sdk.resolve("platform/pubsub-emulator/bin/cloud-pubsub-emulator");
    } catch (IOException e) {
      return Located.missing("cannot resolve gcloud at " + gcloud.get() + ": " + e.getMessage());
    }
    if (Files.isExecutable(launcher)) {
      return Located.found(launcher);
    }
    return Located.missing(
        "gcloud found but not its Pub/Sub emulator ("
            + launcher
            + "); install google-cloud-cli-pubsub-emulator or run"
            + " `gcloud components install pubsub-emulator`");
  }

  /** The Functions Framework invoker, a self-contained jar. */
  public Located invokerJar() {
    Optional<Located> explicit = explicit("FUNCTION_INVOKER_JAR");
    if (explicit.isPresent()) {
      return explicit.get();
    }
    List<Path> tried = new ArrayList<>();
    // Where the build copies it: target/function-invoker/ beside scenegate.jar.
    List<Path> folders = new ArrayList<>();
    ownJar.ifPresent(j -> folders.add(j.resolveSibling("function-invoker")));
    repoRoot.ifPresent(r -> folders.add(r.resolve("functions/target/function-invoker")));
    for (Path folder : folders) {
      tried.add(folder);
      Optional<Path> jar = invokerIn(folder);
      if (jar.isPresent()) {
        return Located.found(jar.get());
      }
    }
    String home = System.getProperty("user.home");
    if (home != null) {
      Path cached =
          Path.of(
              home,
              ".m2/repository/com/google/cloud/functions/invoker/java-function-invoker",
              INVOKER_VERSION,
              "java-function-invoker-" + INVOKER_VERSION + ".jar");
      tried.add(cached);
      if (Files.isRegularFile(cached)) {
        return Located.found(cached);
      }
    }
    return Located.missing(
        "the Functions Framework invoker jar was not found (tried FUNCTION_INVOKER_JAR and "
            + tried
            + "); build with ./mvnw -B package -DskipTests");
  }

  private static Optional<Path> invokerIn(Path folder) {
    if (!Files.isDirectory(folder)) {
      return Optional.empty();
    }
    try (var files = Files.list(folder)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("java-function-invoker"))
          .filter(p -> p.getFileName().toString().endsWith(".jar"))
          .filter(Files::isRegularFile)
          .sorted()
          .reduce((first, second) -> second);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The shaded scenegate.jar holding the functions. */
  public Located functionJar() {
    if (ownJar.isPresent() && ownJar.get().getFileName().toString().equals("scenegate.jar")) {
      return Located.found(ownJar.get());
    }
    if (repoRoot.isPresent()) {
      Path jar = repoRoot.get().resolve("functions/target/scenegate.jar");
      if (Files.isRegularFile(jar)) {
        return Located.found(jar);
      }
    }
    return Located.missing(
        "functions/target/scenegate.jar not found; build with ./mvnw -B package -DskipTests");
  }

  /** The java launcher of the running JVM. */
  public Path java() {
    Path home = Path.of(System.getProperty("java.home"));
    Path java = home.resolve("bin").resolve(isWindows() ? "java.exe" : "java");
    return Files.isExecutable(java) ? java : Path.of("java");
  }

  private Optional<Located> explicit(String variable) {
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    Path path = Path.of(value.strip());
    boolean ok =
        variable.endsWith("_JAR")
            ? Files.isRegularFile(path)
            : Files.isExecutable(path) && !Files.isDirectory(path);
    return Optional.of(
        ok ? Located.found(path) : Located.missing(variable + "=" + value + " is not usable"));
  }

  private Optional<Path> onPath(String program) {
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static boolean isWindows() {
    return System.getProperty("os.name").startsWith("Windows");
  }
}
