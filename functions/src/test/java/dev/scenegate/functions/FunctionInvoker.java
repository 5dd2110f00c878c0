package dev.scenegate.functions;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Cloud Function served by the real Functions Framework invoker ({@code java-function-invoker},
 * copied to {@code target/function-invoker/} by the build) in a child process on a free port,
 * loading {@code target/scenegate.jar}, as Cloud Functions would. Tests POST real CloudEvents to it
 * over HTTP.
 *
 * <pre>{@code
 * try (FunctionInvoker fn = FunctionInvoker.start("dev.scenegate.functions.MarkerFunction", env)) {
 *   HttpResponse<String> r = fn.postStructured(cloudEventJson);
 * }
 * }</pre>
 *
 * Locations can be overridden with system properties {@code scenegate.invoker.jar} and {@code
 * scenegate.function.jar}; the invoker's output goes to {@code target/invoker-logs/}.
 */
public final class FunctionInvoker implements AutoCloseable {
  public static final Duration START_DEADLINE = Duration.ofSeconds(90);

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private FunctionInvoker(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts {@code target} with {@code env} added to this process's environment; waits for it. */
  public static FunctionInvoker start(String target, Map<String, String> env) throws IOException {
    Path invokerJar =
        Path.of(
            System.getProperty(
                "scenegate.invoker.jar", "target/function-invoker/java-function-invoker.jar"));
    Path functionJar =
        Path.of(System.getProperty("scenegate.function.jar", "target/scenegate.jar"));
    if (!Files.isRegularFile(invokerJar)) {
      throw new IllegalStateException(
          "no Functions Framework invoker at "
              + invokerJar.toAbsolutePath()
              + " (the build copies it: ./mvnw -pl functions -am verify)");
    }
    if (!Files.isRegularFile(functionJar)) {
      throw new IllegalStateException("no function jar at " + functionJar.toAbsolutePath());
    }
    int port = freePort();
    Path logDir = Path.of(System.getProperty("scenegate.invoker.logs", "target/invoker-logs"));
    Files.createDirectories(logDir);
    Path log = logDir.resolve(simpleName(target) + "-" + port + ".log");
    String javaBinary = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(javaBinary);
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(invokerJar.toAbsolutePath().toString());
    command.add("com.google.cloud.functions.invoker.runner.Invoker");
    command.add("--classpath");
    command.add(functionJar.toAbsolutePath().toString());
    command.add("--target");
    command.add(target);
    command.add("--port");
    command.add(Integer.toString(port));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    Process process = builder.start();
    FunctionInvoker invoker = new FunctionInvoker(process, port, log);
    try {
      invoker.awaitReady();
    } catch (IOException | RuntimeException e) {
      invoker.close();
      throw e;
    }
    return invoker;
  }

  private static String simpleName(String target) {
    int dot = target.lastIndexOf('.');
    return dot < 0 ? target : target.substring(dot + 1);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /** Polls until the server answers any HTTP request (or dies, or the deadline passes). */
  private void awaitReady() throws IOException {
    Instant deadline = Instant.now().plus(START_DEADLINE);
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(
            "function invoker exited with " + process.exitValue() + ": " + logTail());
      }
      try {
        HttpRequest probe =
            HttpRequest.newBuilder(uri()).timeout(Duration.ofSeconds(5)).GET().build();
        http.send(probe, HttpResponse.BodyHandlers.discarding());
        return;
      } catch (ConnectException e) {
        // Not listening yet.
      } catch (IOException e) {
        // Listening but not ready to answer.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the invoker", e);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException(
            "function invoker did not answer within " + START_DEADLINE + ": " + logTail());
      }
      try {
        Thread.sleep(100); // polling interval while the JVM starts, not synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the invoker", e);
      }
    }
  }

  public int port() {
    return port;
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  public Path log() {
    return log;
  }

  public String logText() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** The last lines of the invoker's output, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** POSTs a raw body with headers. */
  public HttpResponse<String> post(String body, Map<String, String> headers) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri())
            .timeout(Duration.ofMinutes(2))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(request::header);
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** A CloudEvent in structured mode: the whole event as {@code application/cloudevents+json}. */
  public HttpResponse<String> postStructured(String cloudEventJson) throws IOException {
    return post(cloudEventJson, Map.of("Content-Type", "application/cloudevents+json"));
  }

  /** A CloudEvent in binary mode: attributes as {@code ce-*} headers, the data as the body. */
  public HttpResponse<String> postBinary(
      String id, String type, String source, String subject, String dataJson) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("ce-specversion", "1.0");
    headers.put("ce-id", id);
    headers.put("ce-type", type);
    headers.put("ce-source", source);
    if (subject != null) {
      headers.put("ce-subject", subject);
    }
    headers.put("ce-time", Instant.now().toString());
    return post(dataJson, headers);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
