package dev.scenegate.functions;

import com.google.cloud.functions.CloudEventsFunction;
import dev.scenegate.alerts.AlertNotifier;
import dev.scenegate.alerts.InvalidAlertException;
import dev.scenegate.alerts.NotifierConfig;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.metrics.FunctionMetrics;
import dev.scenegate.storage.GcsClients;
import dev.scenegate.storage.GcsConfig;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectStore;
import io.cloudevents.CloudEvent;
import java.util.Map;

/**
 * Cloud Function on {@code checksum-alerts} ({@code messagePublished} CloudEvents from Eventarc):
 * posts each alert to the configured webhooks (see {@link AlertNotifier}). Thin: unwraps the
 * Pub/Sub message and hands its data to the notifier.
 *
 * <p>Returns normally (the platform acknowledges) when the alert reached every webhook, or a
 * webhook refused it for good, or the message is poison (logged at ERROR). Throws when a webhook
 * kept failing transiently past the time budget, so Pub/Sub redelivers; the delivery ledger keeps
 * webhooks that already have the alert from getting it twice.
 */
public final class AlertNotifierFunction implements CloudEventsFunction {
  private static final JsonLog LOG = JsonLog.get(AlertNotifierFunction.class);

  private final AlertNotifier notifier;

  /** Used by the Functions runtime: configuration from the environment, clients built once. */
  public AlertNotifierFunction() {
    this(fromEnvironment(System.getenv()));
  }

  public AlertNotifierFunction(AlertNotifier notifier) {
    this.notifier = notifier;
  }

  static AlertNotifier fromEnvironment(Map<String, String> env) {
    NotifierConfig config;
    try {
      config = NotifierConfig.fromEnv(env);
    } catch (IllegalArgumentException e) {
      LOG.critical("alert notifier is misconfigured and cannot start", "reason", e.getMessage());
      throw e;
    }
    ObjectStore ledgerStore =
        config.webhooks().isEmpty()
            ? null
            : new GcsObjectStore(
                GcsClients.storage(GcsConfig.fromEnvironment(env)), config.stateBucket());
    LOG.info("alert notifier ready", "config", config.toString());
    return AlertNotifier.create(config, ledgerStore, FunctionMetrics.registry(env));
  }

  @Override
  public void accept(CloudEvent event) throws Exception {
    PubSubPush push;
    try {
      push = PubSubPush.decode(event);
    } catch (InvalidAlertException e) {
      byte[] raw = event.getData() == null ? new byte[0] : event.getData().toBytes();
      notifier.poison(e.getMessage(), raw, event.getId());
      return;
    }
    notifier.handle(push.data(), push.messageId());
  }
}
