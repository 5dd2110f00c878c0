package dev.scenegate.functions;

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A function served by the Functions Framework invoker (java-function-invoker) in a child JVM on a
 * free port, as the Cloud Functions runtime serves it: built by its no-arg constructor, with its
 * own environment (which is why it is a child process: the function reads its configuration from
 * the environment). The child's stdout/stderr (the function's JSON logs) go to {@code
 * target/invoker/<name>-<port>.log}.
 *
 * <p>Kept small and self-contained so it can be folded into a shared FunctionInvoker helper.
 */
final class InvokerProcess implements AutoCloseable {
  private static final Duration START_DEADLINE = Duration.ofSeconds(120);
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final Process process;
  private final int port;
  private final Path log;

  private InvokerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts {@code target} (a CloudEventsFunction class) and waits until it answers HTTP. */
  static InvokerProcess start(Class<?> target, Map<String, String> env) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path dir = Path.of(System.getProperty("user.dir"), "target", "invoker");
    Files.createDirectories(dir);
    Path log = dir.resolve(target.getSimpleName() + "-" + port + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // A small, quick-starting JVM: the machine is shared.
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.add("-cp");
    command.add(invokerJar().toString());
    command.add("com.google.cloud.functions.invoker.runner.Invoker");
    command.addAll(List.of("--target", target.getName(), "--port", Integer.toString(port)));
    // The function and its libraries, as the runtime loads a deployed jar: in the invoker's own
    // class loader, which shares only the Functions API and CloudEvents classes with the invoker.
    command.addAll(List.of("--classpath", functionClasspath()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.environment().put("FUNCTION_SIGNATURE_TYPE", "cloudevent");
    builder.redirectErrorStream(true);
    Files.writeString(log, "# " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    InvokerProcess started = new InvokerProcess(builder.start(), port, log);
    try {
      started.awaitReady();
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
    return started;
  }

  /** Copied by the build (maven-dependency-plugin) and named by failsafe. */
  static Path invokerJar() {
    String configured = System.getProperty("scenegate.invoker.jar");
    Path jar =
        configured != null
            ? Path.of(configured)
            : Path.of("target", "function-invoker", "java-function-invoker.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "Functions Framework invoker jar not found at "
              + jar.toAbsolutePath()
              + " (the build copies it in generate-test-resources; run through Maven)");
    }
    return jar;
  }

  /** The test JVM's class path (surefire/failsafe put the real one in this property). */
  private static String functionClasspath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  Path log() {
    return log;
  }

  String logText() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** POSTs a CloudEvent as Eventarc does (binary mode when {@code headers} has ce-* fields). */
  HttpResponse<String> post(Map<String, String> headers, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(url())
            .timeout(Duration.ofSeconds(120))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + START_DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "invoker exited with " + process.exitValue() + " (log " + log + "): " + tail());
      }
      // A TCP connect, not an HTTP request: any request would be handled as an event.
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException e) {
        // Not listening yet.
      }
      try {
        // Poll interval that also notices an early exit at once.
        process.onExit().get(100, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // Still starting.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the invoker", e);
      }
    }
    throw new IllegalStateException(
        "invoker did not answer within " + START_DEADLINE + " (log " + log + "): " + tail());
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
