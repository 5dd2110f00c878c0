package dev.scenegate.devstack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.devtools.ChildProcess;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.Topic;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The real wire, locally: the Pub/Sub emulator; fake-gcs-server publishing a notification for every
 * finalized object to it; the Functions Framework invoker serving {@value #FUNCTION_TARGET} against
 * both emulators; and a {@link NotificationBridge} delivering the notifications to the invoker as
 * Eventarc would. Everything on free ports; {@link #close()} stops it all.
 */
public final class DevStack implements AutoCloseable {
  public static final String FUNCTION_TARGET = "dev.scenegate.functions.MarkerFunction";

  /** Subscriptions the stack creates for people (curl) and for its own bridge and watch. */
  public static final String BRIDGE_SUBSCRIPTION = "scenegate-bridge";

  /**
   * @param project the Pub/Sub project of every topic
   * @param bucket created in fake-gcs-server; notifications cover every bucket there
   * @param notificationTopic where fake-gcs-server publishes finalize notifications
   * @param watch print stage events and alerts as they arrive
   */
  public record Config(
      String project,
      String bucket,
      String notificationTopic,
      Path fakeGcsServer,
      Path pubSubEmulator,
      Path invokerJar,
      Path functionJar,
      Path java,
      Path logDir,
      Map<String, String> functionEnv,
      boolean watch) {

    public static final String DEFAULT_PROJECT = "scenegate-dev";
    public static final String DEFAULT_BUCKET = "scenegate-dev";
    public static final String DEFAULT_NOTIFICATION_TOPIC = "gcs-notifications";
  }

  private final Config config;
  private final PrintStream out;
  private final List<ChildProcess> children = new ArrayList<>();
  private ChildProcess pubSub;
  private ChildProcess storage;
  private ChildProcess invoker;
  private NotificationBridge bridge;
  private EventWatch watch;
  private PubSubRest rest;

  private DevStack(Config config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /** Starts every part in order; on a failure stops what already started and rethrows. */
  public static DevStack start(Config config, PrintStream out, NotificationBridge.Listener events)
      throws IOException {
    DevStack stack = new DevStack(config, out);
    try {
      stack.startAll(events);
      return stack;
    } catch (IOException | RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(NotificationBridge.Listener events) throws IOException {
    Files.createDirectories(config.logDir());
    out.println("starting the Pub/Sub emulator ...");
    pubSub =
        add(
            ChildProcess.start(
                "pubsub-emulator",
                port ->
                    List.of(
                        config.pubSubEmulator().toString(), "--host=127.0.0.1", "--port=" + port),
                // A small heap: the dev stack runs three JVMs.
                Map.of("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"),
                logIn(config.logDir(), "pubsub-emulator"),
                "/",
                ChildProcess.Readiness.HTTP_200));
    rest = new PubSubRest(pubSubHost(), config.project());
    rest.ensureTopic(config.notificationTopic());
    // Before fake-gcs-server starts: a notification published to a topic without subscriptions
    // is gone.
    rest.ensureSubscription(BRIDGE_SUBSCRIPTION, config.notificationTopic(), 60);
    for (Topic topic : Topic.values()) {
      rest.ensureTopic(topic.defaultName());
      rest.ensureSubscription(subscriptionFor(topic), topic.defaultName(), 60);
      if (config.watch()) {
        rest.ensureSubscription(watchSubscriptionFor(topic), topic.defaultName(), 60);
      }
    }

    out.println("starting fake-gcs-server ...");
    storage =
        add(
            ChildProcess.start(
                "fake-gcs-server",
                port ->
                    List.of(
                        config.fakeGcsServer().toString(),
                        "-scheme",
                        "http",
                        "-host",
                        "127.0.0.1",
                        "-port",
                        Integer.toString(port),
                        "-backend",
                        "memory",
                        // Resumable uploads follow the Location header: it must name this port.
                        "-external-url",
                        "http://127.0.0.1:" + port,
                        "-public-host",
                        "127.0.0.1:" + port,
                        "-event.pubsub-project-id",
                        config.project(),
                        "-event.pubsub-topic",
                        config.notificationTopic(),
                        "-event.list",
                        "finalize",
                        "-log-level",
                        "warn"),
                Map.of("PUBSUB_EMULATOR_HOST", pubSubHost()),
                logIn(config.logDir(), "fake-gcs-server"),
                "/storage/v1/b",
                ChildProcess.Readiness.HTTP_200));
    createBucket(config.bucket());

    out.println("starting the function invoker (" + FUNCTION_TARGET + ") ...");
    Map<String, String> env = new LinkedHashMap<>(config.functionEnv());
    env.putAll(functionEnvironment());
    invoker =
        add(
            ChildProcess.start(
                "function-invoker",
                port ->
                    List.of(
                        config.java().toString(),
                        "-Xmx512m",
                        "-XX:+UseSerialGC",
                        "-jar",
                        config.invokerJar().toString(),
                        "--classpath",
                        config.functionJar().toString(),
                        "--target",
                        FUNCTION_TARGET,
                        "--port",
                        Integer.toString(port)),
                env,
                logIn(config.logDir(), "function-invoker"),
                "/",
                ChildProcess.Readiness.LISTENING));

    bridge =
        new NotificationBridge(rest, BRIDGE_SUBSCRIPTION, URI.create(invokerUrl()), events).start();
    if (config.watch()) {
      Map<Topic, String> subscriptions = new EnumMap<>(Topic.class);
      for (Topic topic : Topic.values()) {
        subscriptions.put(topic, watchSubscriptionFor(topic));
      }
      watch = new EventWatch(rest, subscriptions, out).start();
    }
  }

  private static IntFunction<Path> logIn(Path dir, String name) {
    return port -> dir.resolve(name + ".log");
  }

  private ChildProcess add(ChildProcess child) {
    children.add(child);
    return child;
  }

  /** What the function process gets: the emulators, the project, the bucket, the topic names. */
  public Map<String, String> functionEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("STORAGE_EMULATOR_HOST", storageUrl());
    env.put("PUBSUB_EMULATOR_HOST", pubSubHost());
    env.put("GOOGLE_CLOUD_PROJECT", config.project());
    env.put("DATA_BUCKET", config.bucket()); // as deployed: events of other buckets are dismissed
    env.put("STAGE_EVENTS_TOPIC", Topic.STAGE_EVENTS.defaultName());
    env.put("CHECKSUM_ALERTS_TOPIC", Topic.CHECKSUM_ALERTS.defaultName());
    return env;
  }

  /** The subscription created for people to pull {@code topic} from (curl, tests). */
  public static String subscriptionFor(Topic topic) {
    return topic.defaultName() + "-sub";
  }

  static String watchSubscriptionFor(Topic topic) {
    return topic.defaultName() + "-watch";
  }

  public Config config() {
    return config;
  }

  public PubSubRest pubSubRest() {
    return rest;
  }

  /** {@code 127.0.0.1:PORT}, the value for {@code PUBSUB_EMULATOR_HOST}. */
  public String pubSubHost() {
    return "127.0.0.1:" + pubSub.port();
  }

  /** {@code http://127.0.0.1:PORT}, the value for {@code STORAGE_EMULATOR_HOST}. */
  public String storageUrl() {
    return "http://127.0.0.1:" + storage.port();
  }

  public String invokerUrl() {
    return "http://127.0.0.1:" + invoker.port() + "/";
  }

  public NotificationBridge bridge() {
    return bridge;
  }

  /** A part that has stopped on its own, with its log, if any. */
  public Optional<String> deadPart() {
    for (ChildProcess child : children) {
      if (!child.alive()) {
        return Optional.of(
            child.name()
                + " exited with code "
                + child.exitValue()
                + " (log "
                + child.log()
                + "): "
                + child.logTail());
      }
    }
    return Optional.empty();
  }

  /** The logs of the parts, by name. */
  public Map<String, Path> logs() {
    Map<String, Path> logs = new LinkedHashMap<>();
    children.forEach(c -> logs.put(c.name(), c.log()));
    return logs;
  }

  private void createBucket(String bucket) throws IOException {
    ObjectNode body = EventJson.MAPPER.createObjectNode();
    body.put("name", bucket);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(storageUrl() + "/storage/v1/b"))
            .timeout(Duration.ofSeconds(30))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() / 100 != 2 && response.statusCode() != 409) {
        throw new IOException(
            "fake-gcs-server refused bucket " + bucket + ": HTTP " + response.statusCode());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while creating bucket " + bucket);
    }
  }

  /** Stops the watch and the bridge, then the invoker, fake-gcs-server and the emulator. */
  @Override
  public synchronized void close() {
    if (watch != null) {
      watch.close();
      watch = null;
    }
    if (bridge != null) {
      bridge.close();
      bridge = null;
    }
    for (int i = children.size() - 1; i >= 0; i--) {
      children.get(i).stop();
    }
  }
}
