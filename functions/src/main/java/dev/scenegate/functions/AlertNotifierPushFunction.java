package dev.scenegate.functions;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import dev.scenegate.alerts.AlertNotifier;
import dev.scenegate.alerts.InvalidAlertException;
import dev.scenegate.logging.JsonLog;
import java.io.IOException;
import java.io.InputStream;

/**
 * The alert notifier behind a Pub/Sub push subscription (the deployment: Terraform's module-managed
 * subscription on {@code checksum-alerts}, with a retry policy and a dead-letter topic, which
 * Eventarc's own subscription cannot have). Same notifier and configuration as {@link
 * AlertNotifierFunction}; only the envelope differs: a plain HTTP POST of the push JSON.
 *
 * <p>2xx acknowledges (delivered, refused for good, or poison, logged at ERROR); 500 when a webhook
 * kept failing transiently, so Pub/Sub redelivers with backoff and dead-letters after the
 * subscription's max delivery attempts.
 */
public final class AlertNotifierPushFunction implements HttpFunction {
  private static final JsonLog LOG = JsonLog.get(AlertNotifierPushFunction.class);

  private final AlertNotifier notifier;

  /** Used by the Functions runtime: configuration from the environment, clients built once. */
  public AlertNotifierPushFunction() {
    this(AlertNotifierFunction.fromEnvironment(System.getenv()));
  }

  AlertNotifierPushFunction(AlertNotifier notifier) {
    this.notifier = notifier;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    if (!"POST".equals(request.getMethod())) {
      response.setStatusCode(405);
      return;
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readAllBytes(); // one Pub/Sub message: at most 10 MB by the service's limit
    }
    PubSubPush push;
    try {
      push = PubSubPush.decodeEnvelope(body, null);
    } catch (InvalidAlertException e) {
      notifier.poison(e.getMessage(), body, null);
      response.setStatusCode(204);
      return;
    }
    try {
      notifier.handle(push.data(), push.messageId());
    } catch (IOException e) {
      LOG.warn(
          "alert not delivered yet; Pub/Sub redelivers",
          "message_id",
          push.messageId(),
          "reason",
          e.getMessage());
      response.setStatusCode(500);
      return;
    }
    response.setStatusCode(204);
  }
}
