package dev.scenegate.events;

import com.google.api.core.ApiFuture;
import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.scenegate.logging.JsonLog;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes to Cloud Pub/Sub with google-cloud-pubsub: one {@link Publisher} per topic per process,
 * created on first use, with message ordering enabled. {@link #publish} returns the server's
 * message id only once the publish is confirmed. When a publish with an ordering key fails, the
 * client pauses that key; it is resumed here before the {@link IOException} is thrown, so the
 * caller's retry can go through. {@code PUBSUB_EMULATOR_HOST} (via {@link PubSubConfig}) is
 * honoured with a plaintext channel and no credentials.
 */
public final class PubSubEventPublisher implements EventPublisher {
  private static final JsonLog LOG = JsonLog.get(PubSubEventPublisher.class);

  private final PubSubConfig config;
  private final Map<Topic, Publisher> publishers = new ConcurrentHashMap<>();
  private final ManagedChannel emulatorChannel;
  private volatile boolean closed;

  public PubSubEventPublisher(PubSubConfig config) {
    this.config = config;
    this.emulatorChannel =
        config.usesEmulator()
            ? ManagedChannelBuilder.forTarget(config.emulatorHost()).usePlaintext().build()
            : null;
  }

  public PubSubConfig config() {
    return config;
  }

  @Override
  public String publish(OutboundMessage message) throws IOException {
    if (closed) {
      throw new IOException("publisher is closed");
    }
    Publisher publisher = publisher(message.topic());
    PubsubMessage.Builder pubsub =
        PubsubMessage.newBuilder()
            .setData(ByteString.copyFrom(message.data()))
            .putAllAttributes(message.attributes());
    String orderingKey = message.orderingKey();
    boolean ordered = orderingKey != null && !orderingKey.isEmpty();
    if (ordered) {
      pubsub.setOrderingKey(orderingKey);
      // The client pauses a key after a failed publish, and may do so only after the failed future
      // has woken us (so our resume below can come too early). Publishes here are synchronous and
      // a failure is always surfaced to the caller, so resuming before each publish loses nothing.
      publisher.resumePublish(orderingKey);
    }
    ApiFuture<String> future = publisher.publish(pubsub.build());
    String target = publisher.getTopicNameString();
    try {
      // A little past the client's own retry budget, so its error (not ours) is what surfaces.
      return future.get(config.publishTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (ordered) {
        publisher.resumePublish(orderingKey);
      }
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IOException("publish to " + target + " failed: " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      if (ordered) {
        publisher.resumePublish(orderingKey);
      }
      throw new IOException(
          "publish to " + target + " not confirmed within " + config.publishTimeout(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted =
          new InterruptedIOException("interrupted while publishing to " + target);
      interrupted.initCause(e);
      throw interrupted;
    }
  }

  private Publisher publisher(Topic topic) throws IOException {
    Publisher existing = publishers.get(topic);
    if (existing != null) {
      return existing;
    }
    synchronized (publishers) {
      existing = publishers.get(topic);
      if (existing == null) {
        existing = create(topic);
        publishers.put(topic, existing);
      }
      return existing;
    }
  }

  private Publisher create(Topic topic) throws IOException {
    Duration total = config.publishTimeout();
    Duration rpc = total.compareTo(Duration.ofSeconds(10)) < 0 ? total : Duration.ofSeconds(10);
    Publisher.Builder builder =
        Publisher.newBuilder(config.topicPath(topic))
            .setEnableMessageOrdering(true)
            .setRetrySettings(
                RetrySettings.newBuilder()
                    .setTotalTimeoutDuration(total)
                    .setInitialRetryDelayDuration(Duration.ofMillis(100))
                    .setRetryDelayMultiplier(2.0)
                    .setMaxRetryDelayDuration(Duration.ofSeconds(5))
                    .setInitialRpcTimeoutDuration(rpc)
                    .setRpcTimeoutMultiplier(1.0)
                    .setMaxRpcTimeoutDuration(rpc)
                    .build());
    if (emulatorChannel != null) {
      TransportChannelProvider channel =
          FixedTransportChannelProvider.create(GrpcTransportChannel.create(emulatorChannel));
      CredentialsProvider none = NoCredentialsProvider.create();
      builder.setChannelProvider(channel).setCredentialsProvider(none);
    }
    return builder.build();
  }

  /** Sends what is outstanding and shuts every publisher down. */
  @Override
  public void close() {
    closed = true;
    List<Publisher> all;
    synchronized (publishers) {
      all = new ArrayList<>(publishers.values());
      publishers.clear();
    }
    for (Publisher publisher : all) {
      publisher.shutdown();
    }
    try {
      for (Publisher publisher : all) {
        if (!publisher.awaitTermination(30, TimeUnit.SECONDS)) {
          LOG.warn("publisher did not terminate", "topic", publisher.getTopicNameString());
        }
      }
      if (emulatorChannel != null) {
        emulatorChannel.shutdown().awaitTermination(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (emulatorChannel != null) {
        emulatorChannel.shutdownNow();
      }
    }
  }
}
