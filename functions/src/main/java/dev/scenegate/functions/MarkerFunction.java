package dev.scenegate.functions;

import com.google.cloud.functions.CloudEventsFunction;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.metrics.FunctionMetrics;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.MarkerHandler;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.util.Map;

/**
 * The marker Cloud Function: receives every object-finalize event of the pipeline bucket (Eventarc
 * CloudEvents, or a GCS Pub/Sub notification wrapped in a messagePublished CloudEvent), decodes it,
 * and hands it to {@link MarkerHandler}. The no-arg constructor reads the environment once; the
 * cloud clients are built on first need (see {@link CloudClients}), so a cold instance answers a
 * dismissed or undecodable event without building any. Requests may run concurrently: the handler
 * and the clients are shared and thread-safe.
 *
 * <p>A thrown exception (transient fault) makes the platform redeliver; undecodable events are
 * logged and acknowledged, never retried.
 */
public final class MarkerFunction implements CloudEventsFunction {
  private static final JsonLog LOG = JsonLog.get(MarkerFunction.class);

  private final MarkerHandler handler;
  private final CloudClients clients;

  /** What the Functions Framework calls: one instance per process. */
  public MarkerFunction() {
    this(System.getenv());
  }

  MarkerFunction(Map<String, String> env) {
    this(env, new CloudClients(env));
  }

  private MarkerFunction(Map<String, String> env, CloudClients clients) {
    this(
        new MarkerHandler(
            clients::store,
            clients.publisher(),
            FunctionMetrics.registry(env),
            MarkerConfig.fromEnv(env),
            Clock.systemUTC()),
        clients);
  }

  public MarkerFunction(MarkerHandler handler) {
    this(handler, null);
  }

  private MarkerFunction(MarkerHandler handler, CloudClients clients) {
    this.handler = handler;
    this.clients = clients;
  }

  /** Whether this instance has built a cloud client yet (false when given a handler). */
  boolean cloudClientsBuilt() {
    return clients != null && clients.anyBuilt();
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
