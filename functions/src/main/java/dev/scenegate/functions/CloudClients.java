package dev.scenegate.functions;

import com.google.cloud.storage.Storage;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.OutboundMessage;
import dev.scenegate.events.PubSubConfig;
import dev.scenegate.events.PubSubEventPublisher;
import dev.scenegate.storage.GcsClients;
import dev.scenegate.storage.GcsConfig;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectStore;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cloud clients of one function instance: the Cloud Storage client and the Pub/Sub publisher,
 * each built on first need and then shared by every request. Most object events are dismissed
 * without a storage call, so a cold instance that only dismisses never loads the client libraries
 * (gRPC, HTTP transport, credentials) at all. Their configuration is read and checked up front, so
 * a misconfigured instance still fails at start.
 */
final class CloudClients {
  private final Lazy<Storage> storage;
  private final Lazy<PubSubEventPublisher> publisher;
  private final Map<String, ObjectStore> stores = new ConcurrentHashMap<>();

  CloudClients(Map<String, String> env) {
    GcsConfig gcs = GcsConfig.fromEnvironment(env);
    PubSubConfig pubSub = PubSubConfig.fromEnvironment(env);
    this.storage = new Lazy<>(() -> GcsClients.storage(gcs));
    this.publisher = new Lazy<>(() -> new PubSubEventPublisher(pubSub));
  }

  /** The store of {@code bucket}, over the one shared Storage client. */
  ObjectStore store(String bucket) {
    ObjectStore store = stores.get(bucket);
    return store != null
        ? store
        : stores.computeIfAbsent(bucket, b -> new GcsObjectStore(storage.get(), b));
  }

  /** Publishes through the one Pub/Sub publisher, built by the first publish. */
  EventPublisher publisher() {
    return new EventPublisher() {
      @Override
      public String publish(OutboundMessage message) throws IOException {
        return publisher.get().publish(message);
      }

      @Override
      public void close() {
        if (publisher.isBuilt()) {
          publisher.get().close();
        }
      }
    };
  }

  /** Whether any client has been built yet. */
  boolean anyBuilt() {
    return storage.isBuilt() || publisher.isBuilt();
  }
}
