package dev.scenegate.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the emulator binaries are, read once from the environment: {@code FAKE_GCS_SERVER}, the
 * repository's {@code .tools/bin} (filled by {@code scripts/install-test-tools}), {@code PATH};
 * {@code PUBSUB_EMULATOR} or the Google Cloud SDK that {@code gcloud} on {@code PATH} belongs to.
 * {@code CI=true} turns a missing emulator into a failure instead of a skip.
 */
record EmulatorTools(Optional<Path> repoRoot, Map<String, String> env, boolean required) {

  static EmulatorTools fromEnvironment() {
    Map<String, String> env = System.getenv();
    boolean ci =
        "true".equalsIgnoreCase(env.getOrDefault("CI", ""))
            || Boolean.getBoolean("scenegate.emulators.required");
    return new EmulatorTools(findRepoRoot(Path.of(System.getProperty("user.dir"))), env, ci);
  }

  /** The directory holding {@code scripts/install-test-tools}, walking up from {@code start}. */
  static Optional<Path> findRepoRoot(Path start) {
    for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("scripts/install-test-tools"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }

  /** The fake-gcs-server binary, or why there is none. */
  Located fakeGcsServer() {
    List<Path> tried = new ArrayList<>();
    String explicit = env.get("FAKE_GCS_SERVER");
    if (explicit != null && !explicit.isBlank()) {
      Path path = Path.of(explicit);
      if (Files.isExecutable(path)) {
        return Located.found(path);
      }
      return Located.missing("FAKE_GCS_SERVER=" + explicit + " is not an executable file");
    }
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

  /**
   * The SDK's {@code cloud-pubsub-emulator} launcher (what {@code gcloud beta emulators pubsub
   * start} runs), used directly: it execs one JVM, needs no gcloud config dir, and starts faster.
   */
  Located pubSubEmulator() {
    String explicit = env.get("PUBSUB_EMULATOR");
    if (explicit != null && !explicit.isBlank()) {
      Path path = Path.of(explicit);
      if (Files.isExecutable(path)) {
        return Located.found(path);
      }
      return Located.missing("PUBSUB_EMULATOR=" + explicit + " is not an executable file");
    }
    Optional<Path> gcloud = onPath("gcloud");
    if (gcloud.isEmpty()) {
      return Located.missing(
          "the Pub/Sub emulator needs the Google Cloud CLI (gcloud) on PATH with the"
              + " pubsub-emulator component (package google-cloud-cli-pubsub-emulator);"
              + " run scripts/install-test-tools");
    }
    Path sdkRoot;
    try {
      // gcloud on PATH is usually a symlink into <sdk>/bin.
      sdkRoot = gcloud.get().toRealPath().getParent().getParent();
    } catch (IOException e) {
      return Located.missing("cannot resolve gcloud at " + gcloud.get() + ": " + e.getMessage());
    }
    Path launcher = sdkRoot.resolve("platform/pubsub-emulator/bin/cloud-pubsub-emulator");
    if (Files.isExecutable(launcher)) {
      return Located.found(launcher);
    }
    return Located.missing(
        "gcloud found ("
            + gcloud.get()
            + ") but not its Pub/Sub emulator ("
            + launcher
            + "); install google-cloud-cli-pubsub-emulator (scripts/install-test-tools)");
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

  /** A binary's path, or the reason it is missing. */
  record Located(Path path, String missingReason) {
    static Located found(Path path) {
      return new Located(path, null);
    }

    static Located missing(String reason) {
      return new Located(null, reason);
    }

    boolean isPresent() {
      return path != null;
    }
  }
}
