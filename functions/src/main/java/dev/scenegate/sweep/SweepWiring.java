package dev.scenegate.sweep;

import dev.scenegate.cli.CliException;
import dev.scenegate.cli.Console;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.cli.SceneTarget;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.LocalEventPublisher;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.events.PubSubConfig;
import dev.scenegate.events.PubSubEventPublisher;
import dev.scenegate.events.Topic;
import dev.scenegate.fleet.Deadlines;
import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.local.LocalMode;
import dev.scenegate.metrics.FunctionMetrics;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The marker function's handler as a sweep command runs it. With {@code --bucket}: configured from
 * the environment exactly as the marker function is ({@link MarkerConfig#fromEnv}: {@code
 * STATE_BUCKET}, {@code STATE_PREFIX}, thresholds ...), {@code --bucket} standing in for {@code
 * DATA_BUCKET}, events and alerts to Pub/Sub ({@code GOOGLE_CLOUD_PROJECT}, {@code
 * STAGE_EVENTS_TOPIC}, {@code CHECKSUM_ALERTS_TOPIC}, {@code PUBSUB_EMULATOR_HOST}). With {@code
 * --dir}: as local mode runs it (state and {@code events.jsonl} under {@code DIR/_scenegate/}).
 */
final class SweepWiring implements AutoCloseable {
  final ObjectStore data;
  final MarkerHandler handler;
  final EventPublisher publisher;
  final MeterRegistry registry;
  final SweepMeters meters;
  final Clock clock = Clock.systemUTC();
  final Deadlines deadlines;
  final DigestLedger ledger;

  private SweepWiring(
      ObjectStore data,
      MarkerHandler handler,
      EventPublisher publisher,
      MeterRegistry registry,
      Deadlines deadlines,
      DigestLedger ledger) {
    this.deadlines = deadlines;
    this.ledger = ledger;
    this.data = data;
    this.handler = handler;
    this.publisher = publisher;
    this.registry = registry;
    this.meters = SweepMeters.boundTo(registry);
  }

  /**
   * @param publishing false for a dry run: nothing may be published, and no project is needed
   */
  static SweepWiring open(SweepTarget target, Console console, boolean publishing)
      throws CliException {
    ObjectStore data = SceneTarget.store(target.bucket(), target.dir(), console);
    MeterRegistry registry;
    Deadlines deadlines;
    try {
      deadlines = Deadlines.fromEnvironment(console.env());
      registry = FunctionMetrics.registry(console.env());
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
    if (data instanceof LocalObjectStore local) {
      MarkerConfig config = config(() -> LocalMode.config(console.env()));
      EventPublisher publisher =
          publishing
              ? new LocalEventPublisher(local.root().resolve(LocalMode.EVENTS_FILE))
              : refusing();
      return new SweepWiring(
          data,
          new MarkerHandler(local, publisher, registry, config, Clock.systemUTC()),
          publisher,
          registry,
          deadlines,
          DigestLedger.local(local));
    }
    Map<String, String> env = new HashMap<>(console.env());
    env.put("DATA_BUCKET", data.bucket());
    MarkerConfig config = config(() -> MarkerConfig.fromEnv(env));
    ObjectStore states =
        config.stateBucket() == null || config.stateBucket().equals(data.bucket())
            ? data
            : SceneTarget.stateBucket(config.stateBucket(), console);
    EventPublisher publisher = publishing ? pubSub(env) : refusing();
    return new SweepWiring(
        data,
        new MarkerHandler(
            bucket -> bucket.equals(states.bucket()) ? states : data,
            publisher,
            registry,
            config,
            Clock.systemUTC()),
        publisher,
        registry,
        deadlines,
        DigestLedger.forBucket(states, data.bucket()));
  }

  private interface ConfigSource {
    MarkerConfig read();
  }

  private static MarkerConfig config(ConfigSource source) throws CliException {
    try {
      return source.read();
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
  }

  private static EventPublisher pubSub(Map<String, String> env) throws CliException {
    PubSubConfig config = PubSubConfig.fromEnvironment(env);
    try {
      config.topicPath(Topic.STAGE_EVENTS);
    } catch (IllegalStateException e) {
      throw new CliException(
          ExitCodes.BAD_INPUT,
          "USAGE",
          "stage events go to Pub/Sub but no project is known: set GOOGLE_CLOUD_PROJECT");
    }
    return new PubSubEventPublisher(config);
  }

  /** A dry run's publisher: the handler is never called, so nothing reaches it. */
  private static EventPublisher refusing() {
    return new EventPublisher() {
      @Override
      public String publish(OutboundMessage message) throws IOException {
        throw new IOException("a dry run publishes nothing");
      }
    };
  }

  @Override
  public void close() throws Exception {
    try {
      publisher.close();
    } finally {
      registry.close();
    }
  }
}
