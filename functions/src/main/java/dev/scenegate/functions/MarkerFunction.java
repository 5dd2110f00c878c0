package dev.scenegate.functions;

import com.google.cloud.functions.CloudEventsFunction;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.metrics.FunctionMetrics;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.MarkerRoute;
import dev.scenegate.pipeline.Trigger;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * The marker Cloud Function: receives every object-finalize event of the pipeline bucket (Eventarc
 * CloudEvents, or a GCS Pub/Sub notification wrapped in a messagePublished CloudEvent), decodes it,
 * and hands it to {@link MarkerHandler}. The no-arg constructor reads the environment once; the
 * cloud clients are built on first need (see {@link CloudClients}), so a cold instance answers a
 * dismissed or undecodable event without building any. Requests may run concurrently: the handler
 * and the clients are shared and thread-safe, files are hashed on one bounded pool per process
 * ({@code HashingPool}, {@code VERIFY_THREADS} threads), and markers in flight are bounded by the
 * heap (see {@link #markerSlots}); dismissals never wait.
 *
 * <p>A thrown exception (transient fault) makes the platform redeliver; undecodable events are
 * logged and acknowledged, never retried.
 */
public final class MarkerFunction implements CloudEventsFunction {
  private static final JsonLog LOG = JsonLog.get(MarkerFunction.class);

  /** Heap set aside per marker in flight: a manifest at its size cap, parsed, and the state. */
  static final long MARKER_HEAP_BYTES = 192L << 20;

  private final MarkerHandler handler;
  private final CloudClients clients;
  private final Semaphore markerSlots;

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
        clients,
        markerSlots(env, Runtime.getRuntime().maxMemory()));
  }

  public MarkerFunction(MarkerHandler handler) {
    this(handler, null, markerSlots(Map.of(), Runtime.getRuntime().maxMemory()));
  }

  private MarkerFunction(MarkerHandler handler, CloudClients clients, int markerSlots) {
    this.handler = handler;
    this.clients = clients;
    this.markerSlots = new Semaphore(markerSlots, true);
  }

  /** Whether this instance has built a cloud client yet (false when given a handler). */
  boolean cloudClientsBuilt() {
    return clients != null && clients.anyBuilt();
  }

  /**
   * Markers wait for a slot of the instance's memory budget; everything else (most events) is
   * dismissed at once, however many markers are in flight.
   */
  private void handle(Trigger trigger) throws IOException, InterruptedException {
    if (MarkerRoute.parse(trigger.object()).isEmpty()) {
      handler.handle(trigger);
      return;
    }
    markerSlots.acquire();
    try {
      handler.handle(trigger);
    } finally {
      markerSlots.release();
    }
  }

  /**
   * Markers processed at once by one instance. A delivery holds a manifest (up to {@value
   * dev.scenegate.manifest.ManifestCodec#MAX_MANIFEST_BYTES} bytes) or report and the scene state
   * in memory while hashing runs on the process's shared pool, so the heap bounds how many may run:
   * {@code MAX_CONCURRENT_MARKERS}, by default one per {@link #MARKER_HEAP_BYTES} of maximum heap.
   */
  static int markerSlots(Map<String, String> env, long maxHeapBytes) {
    String configured = env.get("MAX_CONCURRENT_MARKERS");
    if (configured != null && !configured.isBlank()) {
      try {
        int slots = Integer.parseInt(configured.strip());
        if (slots >= 1) {
          return slots;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "MAX_CONCURRENT_MARKERS must be a positive whole number, got '" + configured + "'");
    }
    return (int) Math.max(1, Math.min(64, maxHeapBytes / MARKER_HEAP_BYTES));
  }

  @Override
  public void accept(CloudEvent event) throws Exception {
    byte[] data = event.getData() == null ? null : event.getData().toBytes();
    StorageEvents.Decoded decoded = StorageEvents.decode(event.getType(), data);
    if (decoded instanceof StorageEvents.Finalized finalized) {
      handle(finalized.trigger());
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
