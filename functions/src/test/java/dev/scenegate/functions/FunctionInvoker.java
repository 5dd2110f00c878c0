package dev.scenegate.functions;

import dev.scenegate.devtools.ChildProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Cloud Function served by the real Functions Framework invoker ({@code java-function-invoker},
 * copied to {@code target/function-invoker/} by the build) in a child JVM on a free port, loading
 * {@code target/scenegate.jar} as Cloud Functions loads the deployed jar: the function is built by
 * its no-arg constructor and reads its configuration from its own environment, which is why it is a
 * child process. Tests POST real CloudEvents to it over HTTP; every function IT uses this one
 * helper.
 *
 * <pre>{@code
 * try (FunctionInvoker fn = FunctionInvoker.start(MarkerFunction.class, env)) {
 *   HttpResponse<String> r = fn.postStructured(cloudEventJson);
 * }
 * }</pre>
 *
 * Locations can be overridden with system properties {@code scenegate.invoker.jar} and {@code
 * scenegate.function.jar}; the invoker's output goes to {@code target/invoker-logs/}.
 */
public final class FunctionInvoker implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final ChildProcess process;

  private FunctionInvoker(ChildProcess process) {
    this.process = process;
  }

  /**
   * Starts {@code target} (a CloudEventsFunction) with {@code env} added to this process's
   * environment; returns once it listens (the invoker opens its port after loading the function).
   */
  public static FunctionInvoker start(Class<?> target, Map<String, String> env) throws IOException {
    Path invokerJar =
        requireFile(
            System.getProperty(
                "scenegate.invoker.jar", "target/function-invoker/java-function-invoker.jar"),
            "Functions Framework invoker",
            "the build copies it in generate-test-resources: ./mvnw -pl functions -am verify");
    Path functionJar =
        requireFile(
            System.getProperty("scenegate.function.jar", "target/scenegate.jar"),
            "function jar",
            "the build shades it in package: ./mvnw -pl functions -am verify");
    Path logDir = Path.of(System.getProperty("scenegate.invoker.logs", "target/invoker-logs"));
    Files.createDirectories(logDir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Map<String, String> childEnv = new HashMap<>(env);
    // As the Cloud Functions runtime declares an event function (unless the test says "http").
    childEnv.putIfAbsent("FUNCTION_SIGNATURE_TYPE", "cloudevent");
    ChildProcess process =
        ChildProcess.start(
            target.getSimpleName(),
            port ->
                List.of(
                    java,
                    // A small, quick-starting JVM: the machine is shared.
                    "-Xmx256m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    invokerJar.toAbsolutePath().toString(),
                    "com.google.cloud.functions.invoker.runner.Invoker",
                    "--classpath",
                    functionJar.toAbsolutePath().toString(),
                    "--target",
                    target.getName(),
                    "--port",
                    Integer.toString(port)),
            childEnv,
            port -> logDir.resolve(target.getSimpleName() + "-" + port + ".log"),
            "/",
            ChildProcess.Readiness.LISTENING);
    return new FunctionInvoker(process);
  }

  private static Path requireFile(String location, String what, String hint) {
    Path path = Path.of(location);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(
          "no " + what + " at " + path.toAbsolutePath() + " (" + hint + ")");
    }
    return path;
  }

  public int port() {
    return process.port();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port() + "/");
  }

  public Path log() {
    return process.log();
  }

  public String logText() throws IOException {
    return Files.readString(process.log(), StandardCharsets.UTF_8);
  }

  /** The last lines of the invoker's output, for failure messages. */
  public String logTail() {
    return process.logTail(30);
  }

  /** POSTs a raw body with headers. */
  public HttpResponse<String> post(String body, Map<String, String> headers) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri())
            .timeout(Duration.ofMinutes(2))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(request::header);
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** A CloudEvent in structured mode: the whole event as {@code application/cloudevents+json}. */
  public HttpResponse<String> postStructured(String cloudEventJson) throws IOException {
    return post(cloudEventJson, Map.of("Content-Type", "application/cloudevents+json"));
  }

  /** A CloudEvent in binary mode, sent now: see {@link CloudEvents#binaryHeaders}. */
  public HttpResponse<String> postBinary(
      String id, String type, String source, String subject, String dataJson) throws IOException {
    return post(
        dataJson, CloudEvents.binaryHeaders(id, type, source, subject, Instant.now().toString()));
  }

  @Override
  public void close() {
    process.stop();
  }
}
