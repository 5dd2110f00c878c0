package dev.scenegate.alerts;

import dev.scenegate.logging.JsonLog;
import dev.scenegate.storage.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers one alert message to every configured webhook: the handler behind {@code
 * AlertNotifierFunction}.
 *
 * <ul>
 *   <li>Poison (not an alert: see {@link AlertCodec}) is logged at ERROR and acknowledged: {@link
 *       Outcome#POISON}, no exception.
 *   <li>Webhooks are served in parallel, so one slow receiver cannot starve the others of the time
 *       budget; each (alert, webhook) pair is claimed and recorded in the {@link DeliveryLedger},
 *       so a redelivered alert goes only to the webhooks that have not had it yet.
 *   <li>A webhook that refuses the alert (4xx) is logged at ERROR and given up for good.
 *   <li>If any webhook still failed transiently after its budget, {@link #handle} throws (after all
 *       others finished), so Pub/Sub redelivers the message.
 * </ul>
 */
public final class AlertNotifier implements AutoCloseable {
  private static final JsonLog LOG = JsonLog.get(AlertNotifier.class);
  private static final int PREVIEW_CHARS = 200;

  private final List<Webhook> webhooks;
  private final WebhookSender sender;
  private final WebhookPayloads payloads;
  private final DeliveryLedger ledger;
  private final Duration lease;
  private final AlertMeters meters;
  private final ExecutorService executor;

  AlertNotifier(
      List<Webhook> webhooks,
      WebhookSender sender,
      WebhookPayloads payloads,
      DeliveryLedger ledger,
      Duration lease,
      MeterRegistry registry) {
    this.webhooks = List.copyOf(webhooks);
    this.sender = sender;
    this.payloads = payloads;
    this.ledger = ledger;
    this.lease = lease;
    this.meters = AlertMeters.boundTo(registry);
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "alert-webhook-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Everything from configuration: one HTTP client, ledger in {@code stateStore} (may be null when
   * no webhook is configured).
   */
  public static AlertNotifier create(
      NotifierConfig config, ObjectStore stateStore, MeterRegistry registry) {
    if (config.webhooks().isEmpty()) {
      LOG.warn("no webhook configured (WEBHOOK_URLS, SLACK_WEBHOOK_URLS): alerts are only logged");
      return new AlertNotifier(
          List.of(),
          null,
          new WebhookPayloads(new AlertText(config.maxListedFailures())),
          null,
          config.lease(),
          registry);
    }
    return new AlertNotifier(
        config.webhooks(),
        WebhookSender.create(config.secret(), config.retryPolicy()),
        new WebhookPayloads(new AlertText(config.maxListedFailures())),
        new DeliveryLedger(stateStore, config.statePrefix(), Clock.systemUTC()),
        config.lease(),
        registry);
  }

  public enum Outcome {
    /** Every webhook has the alert now (or had it, or refused it for good). */
    DONE,
    /** Not an alert; acknowledged without delivery. */
    POISON
  }

  /** What happened at one webhook in this invocation. */
  public enum WebhookOutcome {
    SENT,
    /** The ledger says an earlier delivery already reached it. */
    ALREADY_DELIVERED,
    /** Refused (4xx) now. */
    REJECTED,
    /** Refused in an earlier delivery; not tried again. */
    ALREADY_REJECTED
  }

  public record Report(Outcome outcome, String alertId, Map<String, WebhookOutcome> webhooks) {
    static Report poison() {
      return new Report(Outcome.POISON, null, Map.of());
    }
  }

  /**
   * Handles one message body. Throws {@link WebhookDeliveryException} or another {@link
   * IOException} (ledger storage) when the message must be redelivered.
   */
  public Report handle(byte[] data, String messageId) throws IOException {
    ReceivedAlert alert;
    try {
      alert = AlertCodec.decode(data);
    } catch (InvalidAlertException e) {
      poison(e.getMessage(), data, messageId);
      return Report.poison();
    }
    return deliver(alert, messageId);
  }

  /** Logs and counts a message that can never be delivered (the caller acknowledges it). */
  public void poison(String reason, byte[] data, String messageId) {
    meters.received("poison");
    LOG.error(
        "alert message is not a valid alert; acknowledged without delivery",
        null,
        "reason",
        reason,
        "message_id",
        messageId,
        "data_bytes",
        data == null ? 0 : data.length,
        "data_preview",
        preview(data));
  }

  public Report deliver(ReceivedAlert alert, String messageId) throws IOException {
    meters.received("valid");
    if (webhooks.isEmpty()) {
      LOG.warn(
          "alert received; no webhook configured, so it is only logged",
          fields(alert, messageId, null, "text", payloads.text().plain(alert)));
      return new Report(Outcome.DONE, alert.alertId(), Map.of());
    }
    List<Future<WebhookOutcome>> futures = new ArrayList<>();
    for (Webhook webhook : webhooks) {
      futures.add(executor.submit(() -> deliverTo(webhook, alert, messageId)));
    }
    Map<String, WebhookOutcome> outcomes = new LinkedHashMap<>();
    List<IOException> transients = new ArrayList<>();
    RuntimeException bug = null;
    for (int i = 0; i < webhooks.size(); i++) {
      try {
        outcomes.put(webhooks.get(i).key(), futures.get(i).get());
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          transients.add(io);
        } else if (cause instanceof RuntimeException runtime) {
          bug = runtime;
        } else {
          bug = new IllegalStateException(cause);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(f -> f.cancel(true));
        throw new IOException("interrupted while delivering alert " + alert.alertId(), e);
      }
    }
    if (bug != null) {
      throw bug;
    }
    if (!transients.isEmpty()) {
      IOException first = transients.get(0);
      LOG.warn(
          "alert not delivered to every webhook; the message will be redelivered",
          fields(
              alert,
              messageId,
              null,
              "failed_webhooks",
              transients.size(),
              "error",
              first.getMessage()));
      transients.subList(1, transients.size()).forEach(first::addSuppressed);
      throw first;
    }
    return new Report(Outcome.DONE, alert.alertId(), outcomes);
  }

  private WebhookOutcome deliverTo(Webhook webhook, ReceivedAlert alert, String messageId)
      throws IOException {
    String format = webhook.format().label();
    DeliveryLedger.Claim claim = ledger.claim(alert.alertId(), webhook, lease);
    switch (claim.state()) {
      case DELIVERED -> {
        return already(
            "duplicate",
            "alert already delivered to this webhook; not sent again",
            WebhookOutcome.ALREADY_DELIVERED,
            alert,
            messageId,
            webhook);
      }
      case REJECTED -> {
        return already(
            "already_rejected",
            "this webhook refused the alert before; not sent again",
            WebhookOutcome.ALREADY_REJECTED,
            alert,
            messageId,
            webhook);
      }
      case IN_FLIGHT -> {
        count(format, "in_flight");
        throw new WebhookDeliveryException(
            webhook.display(),
            0,
            "another invocation is delivering it"
                + (claim.leaseUntil() == null ? "" : " (claim until " + claim.leaseUntil() + ")"));
      }
      case CLAIMED -> {}
    }
    byte[] body = payloads.body(webhook.format(), alert);
    Timer.Sample sample = meters.startDelivery();
    DeliveryResult result;
    try {
      result = sender.deliver(webhook, body, alert.alertId());
    } catch (WebhookDeliveryException e) {
      finished(sample, format, "failed");
      try {
        ledger.release(claim, alert.alertId(), webhook, e.lastError());
      } catch (IOException releaseError) {
        // The claim then simply expires; the redelivery waits for the lease.
        LOG.warn(
            "could not release the delivery claim",
            fields(alert, messageId, webhook, "error", releaseError.getMessage()));
      }
      throw e;
    }
    meters.attempts(format, result.attempts());
    if (result.delivered()) {
      finished(sample, format, "delivered");
      LOG.info(
          "alert delivered",
          fields(
              alert,
              messageId,
              webhook,
              "http_status",
              result.status(),
              "attempts",
              result.attempts()));
      record(
          () -> ledger.delivered(claim, alert.alertId(), webhook, result),
          alert,
          messageId,
          webhook);
      return WebhookOutcome.SENT;
    }
    finished(sample, format, "rejected");
    LOG.error(
        "webhook refused the alert; giving up on this webhook (fix its configuration)",
        null,
        fields(
            alert,
            messageId,
            webhook,
            "http_status",
            result.status(),
            "attempts",
            result.attempts(),
            "response",
            result.responseSnippet()));
    record(
        () -> ledger.rejected(claim, alert.alertId(), webhook, result), alert, messageId, webhook);
    return WebhookOutcome.REJECTED;
  }

  private interface LedgerWrite {
    void run() throws IOException;
  }

  /**
   * A final ledger write that fails is logged, not thrown: the webhook already has its answer, and
   * throwing would make Pub/Sub redeliver to every webhook whose record is missing.
   */
  private void record(LedgerWrite write, ReceivedAlert alert, String messageId, Webhook webhook) {
    try {
      write.run();
    } catch (IOException e) {
      LOG.warn(
          "could not record the delivery outcome; a redelivery may send it again",
          fields(alert, messageId, webhook, "error", e.getMessage()));
    }
  }

  private static Object[] fields(
      ReceivedAlert alert, String messageId, Webhook webhook, Object... more) {
    List<Object> fields = new ArrayList<>();
    fields.add("alert_id");
    fields.add(alert.alertId());
    fields.add("scene_id");
    fields.add(alert.alert().sceneId());
    fields.add("kind");
    fields.add(alert.alert().kind());
    if (alert.stage() != null) {
      fields.add("stage");
      fields.add(alert.stage());
    }
    if (alert.alert().manifest() != null) {
      fields.add("object");
      fields.add(alert.alert().manifest());
    }
    if (messageId != null) {
      fields.add("message_id");
      fields.add(messageId);
    }
    if (webhook != null) {
      fields.add("webhook");
      fields.add(webhook.display());
    }
    fields.addAll(List.of(more));
    return fields.toArray();
  }

  /** The ledger says this webhook already has (or refused) the alert: nothing is sent. */
  private WebhookOutcome already(
      String counted,
      String message,
      WebhookOutcome outcome,
      ReceivedAlert alert,
      String messageId,
      Webhook webhook) {
    count(webhook.format().label(), counted);
    LOG.info(message, fields(alert, messageId, webhook));
    return outcome;
  }

  /** One webhook's delivery ended with {@code outcome}: its duration and its count. */
  private void finished(Timer.Sample sample, String format, String outcome) {
    meters.deliveryEnded(sample, format, outcome);
  }

  private void count(String format, String outcome) {
    meters.delivery(format, outcome);
  }

  static String preview(byte[] data) {
    if (data == null) {
      return "";
    }
    int n = Math.min(data.length, PREVIEW_CHARS * 4);
    String text = new String(data, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    return AlertText.sanitize(
        text.length() > PREVIEW_CHARS ? text.substring(0, PREVIEW_CHARS) : text);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
