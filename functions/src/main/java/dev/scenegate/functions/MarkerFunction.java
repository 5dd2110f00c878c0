package dev.scenegate.functions;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.cloud.storage.Storage;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.PubSubConfig;
import dev.scenegate.events.PubSubEventPublisher;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.metrics.FunctionMetrics;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.storage.GcsClients;
import dev.scenegate.storage.GcsConfig;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectStore;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The marker Cloud Function: receives every object-finalize event of the pipeline bucket (Eventarc
 * CloudEvents, or a GCS Pub/Sub notification wrapped in a messagePublished CloudEvent), decodes it,
 * and hands it to {@link MarkerHandler}. Clients are built once per instance by the no-arg
 * constructor, from the environment read once.
 *
 * <p>A thrown exception (transient fault) makes the platform redeliver; undecodable events are
 * logged and acknowledged, never retried.
 */
public final class MarkerFunction implements CloudEventsFunction {
  private static final JsonLog LOG = JsonLog.get(MarkerFunction.class);

  private final MarkerHandler handler;

  /** What the Functions Framework calls: one instance per process. */
  public MarkerFunction() {
    this(System.getenv());
  }

  MarkerFunction(Map<String, String> env) {
    this(buildHandler(env, FunctionMetrics.registry(env)));
  }

  public MarkerFunction(MarkerHandler handler) {
    this.handler = handler;
  }

  private static MarkerHandler buildHandler(Map<String, String> env, MeterRegistry meters) {
    MarkerConfig config = MarkerConfig.fromEnv(env);
    Storage storage = GcsClients.storage(GcsConfig.fromEnvironment(env));
    Map<String, ObjectStore> stores = new ConcurrentHashMap<>();
    EventPublisher publisher = new PubSubEventPublisher(PubSubConfig.fromEnvironment(env));
    return new MarkerHandler(
        bucket -> stores.computeIfAbsent(bucket, b -> new GcsObjectStore(storage, b)),
        publisher,
        meters,
        config,
        Clock.systemUTC());
  }

  @Override
  public void accept(CloudEvent event) throws Exception {
    byte[] data = event.getData() == null ? null : event.getData().toBytes();
    StorageEvents.Decoded decoded = StorageEvents.decode(event.getType(), data);
    if (decoded instanceof StorageEvents.Finalized finalized) {
      handler.handle(finalized.trigger());
    } else if (decoded instanceof StorageEvents.Ignored ignored) {
      handler.countEvent("dismissed");
      LOG.info(
          "event ignored: " + ignored.reason(),
          "event_id",
          event.getId(),
          "event_type",
          event.getType());
    } else if (decoded instanceof StorageEvents.Undecodable undecodable) {
      handler.countEvent("undecodable");
      LOG.warn(
          "undecodable event acknowledged: " + undecodable.reason(),
          "event_id",
          event.getId(),
          "event_type",
          event.getType(),
          "source",
          String.valueOf(event.getSource()));
    }
  }
}
