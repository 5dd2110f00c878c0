package dev.scenegate.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * One emulator child process on a free port: started, polled until its HTTP endpoint answers, and
 * stopped with its whole process tree (the Pub/Sub launcher forks a JVM). Every process started is
 * also stopped by one JVM shutdown hook, so a failing test run leaves nothing behind.
 */
final class EmulatorProcess {
  /** Generous: the machine is shared and the Pub/Sub emulator is a JVM. */
  static final Duration START_DEADLINE = Duration.ofSeconds(120);

  private static final List<EmulatorProcess> RUNNING = new CopyOnWriteArrayList<>();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(EmulatorProcess::stop), "emulators-shutdown"));
  }

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;

  private EmulatorProcess(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  String name() {
    return name;
  }

  int port() {
    return port;
  }

  Path log() {
    return log;
  }

  boolean alive() {
    return process.isAlive();
  }

  /**
   * Starts {@code command.apply(port)} on a free port and waits until {@code readinessPath} answers
   * 200. A port grabbed by someone else between probe and bind is retried on a new port.
   */
  static EmulatorProcess start(
      String name, IntFunction<List<String>> command, Map<String, String> env, String readinessPath)
      throws IOException {
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = freePort();
      Path log = logDir().resolve(name + "-" + port + ".log");
      ProcessBuilder builder = new ProcessBuilder(command.apply(port));
      builder.environment().putAll(env);
      builder.redirectErrorStream(true);
      builder.redirectOutput(log.toFile());
      builder.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
      EmulatorProcess started = new EmulatorProcess(name, builder.start(), port, log);
      RUNNING.add(started);
      try {
        started.awaitReady(readinessPath);
        return started;
      } catch (IllegalStateException e) {
        started.stop();
        last = e;
        if (!started.logTail().toLowerCase().contains("address already in use")) {
          throw e;
        }
      }
    }
    throw last;
  }

  private void awaitReady(String readinessPath) {
    URI uri = URI.create("http://127.0.0.1:" + port + readinessPath);
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name
                + " exited with code "
                + process.exitValue()
                + " before answering on port "
                + port
                + " (log "
                + log
                + "): "
                + logTail());
      }
      try {
        HttpResponse<Void> response =
            HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
      // Poll interval that also notices an early exit at once.
      try {
        process.onExit().get(100, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // Still running: poll again.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + name, e);
      }
    }
    throw new IllegalStateException(
        name
            + " did not answer on port "
            + port
            + " within "
            + START_DEADLINE
            + " (log "
            + log
            + ")");
  }

  /** Stops the process and every descendant; idempotent. */
  void stop() {
    RUNNING.remove(this);
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      for (ProcessHandle child : tree) {
        child.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      tree.forEach(ProcessHandle::destroyForcibly);
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /** {@code target/emulators} of the module under test (Maven runs tests in the module dir). */
  static Path logDir() throws IOException {
    Path dir = Path.of(System.getProperty("user.dir"), "target", "emulators");
    Files.createDirectories(dir);
    return dir;
  }

  private static java.io.File nullDevice() {
    return new java.io.File(
        System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }
}
