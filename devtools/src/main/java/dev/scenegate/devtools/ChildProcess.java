package dev.scenegate.devtools;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
 * A local server (fake-gcs-server, the Pub/Sub emulator, the Functions Framework invoker) as a
 * child process on a free port, its output in a log file. Started and polled until its HTTP
 * endpoint answers; stopped with its whole process tree (the Pub/Sub emulator's launcher forks a
 * JVM). The dev stack and the tests' emulators and function invokers all start their servers here.
 *
 * <p>Every child still running when the JVM exits is stopped by one shutdown hook, so neither a
 * failed test run nor an interrupted dev stack leaves servers behind.
 */
public final class ChildProcess {
  /** Generous: on a busy machine a JVM-based emulator takes a while. */
  public static final Duration START_DEADLINE = Duration.ofSeconds(180);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static final List<ChildProcess> RUNNING = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(ChildProcess::stop), "child-processes-shutdown"));
  }

  /** When a server counts as up. */
  public enum Readiness {
    /** {@code GET path} answers 200. */
    HTTP_200,
    /** {@code GET path} answers at all (a function rejects a bare GET, but it is serving). */
    ANY_HTTP_RESPONSE,
    /**
     * The port accepts a connection; nothing is sent (to a function any request is an event, and a
     * probe would be logged as a failed one).
     */
    LISTENING
  }

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;

  private ChildProcess(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** The exit code once the process has ended. */
  public int exitValue() {
    return process.exitValue();
  }

  /**
   * Starts {@code command.apply(port)} on a free port, with {@code env} added to this process's
   * environment and its output in {@code logFile.apply(port)}, and waits until {@code path} is
   * ready. A port taken by someone else between probe and bind is retried on another port.
   */
  public static ChildProcess start(
      String name,
      IntFunction<List<String>> command,
      Map<String, String> env,
      IntFunction<Path> logFile,
      String path,
      Readiness readiness)
      throws IOException {
    IOException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = freePort();
      Path log = logFile.apply(port);
      ProcessBuilder builder = new ProcessBuilder(command.apply(port));
      builder.environment().putAll(env);
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
      builder.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
      ChildProcess started;
      try {
        started = new ChildProcess(name, builder.start(), port, log);
      } catch (IOException e) {
        throw new IOException("cannot start " + name + ": " + e.getMessage(), e);
      }
      RUNNING.add(started);
      try {
        started.awaitReady(path, readiness);
        return started;
      } catch (IOException e) {
        started.stop();
        last = e;
        if (!started.logTail().toLowerCase().contains("address already in use")) {
          throw e;
        }
      }
    }
    throw last;
  }

  private void awaitReady(String path, Readiness readiness) throws IOException {
    URI uri = URI.create("http://127.0.0.1:" + port + path);
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            name
                + " exited with code "
                + process.exitValue()
                + " before it answered on port "
                + port
                + " (log "
                + log
                + "): "
                + logTail());
      }
      if (readiness == Readiness.LISTENING) {
        if (accepts()) {
          return;
        }
      } else {
        try {
          HttpResponse<Void> response =
              HTTP.send(
                  HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                  HttpResponse.BodyHandlers.discarding());
          if (readiness == Readiness.ANY_HTTP_RESPONSE || response.statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // Not listening yet.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while starting " + name);
        }
      }
      try {
        process.onExit().get(100, TimeUnit.MILLISECONDS); // poll interval; notices an exit at once
      } catch (TimeoutException | ExecutionException e) {
        // Still running.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while starting " + name);
      }
    }
    throw new IOException(
        name
            + " did not answer on port "
            + port
            + " within "
            + START_DEADLINE
            + " (log "
            + log
            + ")");
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops the process and every descendant; idempotent. */
  public void stop() {
    RUNNING.remove(this);
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      for (ProcessHandle child : tree) {
        try {
          child.onExit().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          child.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      tree.forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  /** The last lines of the log, joined on one line. */
  public String logTail() {
    return logTail(6);
  }

  /** The last {@code count} lines of the log, joined on one line. */
  public String logTail(int count) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(
        System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }
}
