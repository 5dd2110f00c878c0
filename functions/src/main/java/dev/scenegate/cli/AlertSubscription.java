package dev.scenegate.cli;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcCallContext;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.stub.GrpcSubscriberStub;
import com.google.cloud.pubsub.v1.stub.SubscriberStub;
import com.google.cloud.pubsub.v1.stub.SubscriberStubSettings;
import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.ReceivedMessage;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Synchronous pull from one subscription (google-cloud-pubsub's subscriber stub): what {@code
 * alerts tail} needs to print messages first and acknowledge only what it printed. Against the
 * emulator ({@code PUBSUB_EMULATOR_HOST}) it uses a plaintext channel and no credentials.
 */
final class AlertSubscription implements AutoCloseable {
  private final SubscriberStub stub;
  private final ManagedChannel emulatorChannel;
  private final String path;

  private AlertSubscription(SubscriberStub stub, ManagedChannel emulatorChannel, String path) {
    this.stub = stub;
    this.emulatorChannel = emulatorChannel;
    this.path = path;
  }

  /**
   * Pulls are not retried here: the command decides, so an unreachable endpoint is reported within
   * a second rather than after the client's retries, and each pull carries its own deadline.
   */
  static AlertSubscription open(String path, String emulatorHost) throws IOException {
    SubscriberStubSettings.Builder settings = SubscriberStubSettings.newBuilder();
    ManagedChannel channel = null;
    if (emulatorHost != null) {
      channel = ManagedChannelBuilder.forTarget(emulatorHost).usePlaintext().build();
      settings
          .setTransportChannelProvider(
              FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
          .setCredentialsProvider(NoCredentialsProvider.create());
    }
    settings.pullSettings().setRetryableCodes();
    try {
      return new AlertSubscription(GrpcSubscriberStub.create(settings.build()), channel, path);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.shutdownNow();
      }
      throw e;
    }
  }

  String path() {
    return path;
  }

  /** One pull that waits at most {@code deadline} for messages. */
  List<ReceivedMessage> pull(int maxMessages, Duration deadline) {
    PullResponse response =
        stub.pullCallable()
            .call(
                PullRequest.newBuilder().setSubscription(path).setMaxMessages(maxMessages).build(),
                GrpcCallContext.createDefault().withTimeoutDuration(deadline));
    return response.getReceivedMessagesList();
  }

  void acknowledge(List<String> ackIds) {
    if (!ackIds.isEmpty()) {
      stub.acknowledgeCallable()
          .call(AcknowledgeRequest.newBuilder().setSubscription(path).addAllAckIds(ackIds).build());
    }
  }

  @Override
  public void close() {
    stub.close();
    if (emulatorChannel != null) {
      emulatorChannel.shutdownNow();
      try {
        emulatorChannel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
