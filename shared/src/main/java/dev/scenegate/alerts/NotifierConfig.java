package dev.scenegate.alerts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Configuration of the alert notifier, read once from the environment:
 *
 * <ul>
 *   <li>{@code WEBHOOK_URLS}: comma-separated URLs that get the generic JSON body;
 *   <li>{@code SLACK_WEBHOOK_URLS}: comma-separated Slack incoming-webhook URLs;
 *   <li>{@code SCENEGATE_WEBHOOK_SECRET}: the HMAC signing secret (in production a Secret Manager
 *       secret exposed as this environment variable), required when a webhook is configured;
 *   <li>{@code STATE_BUCKET}: where the delivery ledger lives, required when a webhook is
 *       configured; {@code STATE_PREFIX} (default {@code _scenegate/state/}, shared with the scene
 *       state documents);
 *   <li>{@code WEBHOOK_TIMEOUT_SECONDS} (default 10) per request, {@code
 *       WEBHOOK_RETRY_BUDGET_SECONDS} (default 45) for all attempts of one delivery, {@code
 *       WEBHOOK_RETRY_BASE_MILLIS} (default 500) first backoff; {@code ALERT_MAX_LISTED_FAILURES}
 *       (default 20).
 * </ul>
 *
 * <p>With no webhook at all the notifier still runs (a deployment may rely on Cloud Monitoring
 * alone): it logs every alert's text at WARNING and says so at start. Error messages name
 * variables, never their values (URLs and the secret are credentials), and {@link #toString()}
 * redacts both.
 */
public record NotifierConfig(
    List<Webhook> webhooks,
    WebhookSecret secret,
    String stateBucket,
    String statePrefix,
    RetryPolicy retryPolicy,
    int maxListedFailures) {

  /** The same default as the scene state documents (and Terraform's {@code state_prefix}). */
  public static final String DEFAULT_STATE_PREFIX = "_scenegate/state/";

  public NotifierConfig {
    webhooks = List.copyOf(webhooks);
    if (!webhooks.isEmpty()) {
      Objects.requireNonNull(secret, "secret");
      Objects.requireNonNull(stateBucket, "stateBucket");
    }
    Objects.requireNonNull(statePrefix, "statePrefix");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
  }

  public static NotifierConfig fromEnv(Map<String, String> env) {
    List<Webhook> webhooks = new ArrayList<>();
    webhooks.addAll(urls(env, "WEBHOOK_URLS", Webhook.Format.JSON));
    webhooks.addAll(urls(env, "SLACK_WEBHOOK_URLS", Webhook.Format.SLACK));
    String secret = env.get("SCENEGATE_WEBHOOK_SECRET");
    if ((secret == null || secret.isEmpty()) && !webhooks.isEmpty()) {
      throw new IllegalArgumentException(
          "SCENEGATE_WEBHOOK_SECRET is not set (the HMAC secret webhooks are signed with)");
    }
    String bucket = trimmed(env, "STATE_BUCKET");
    if (bucket == null && !webhooks.isEmpty()) {
      throw new IllegalArgumentException(
          "STATE_BUCKET is not set (the bucket that records delivered alerts)");
    }
    String prefix = statePrefix(env.get("STATE_PREFIX"));
    Duration timeout = Duration.ofSeconds(positive(env, "WEBHOOK_TIMEOUT_SECONDS", 10, 600));
    Duration budget = Duration.ofSeconds(positive(env, "WEBHOOK_RETRY_BUDGET_SECONDS", 45, 3600));
    Duration base = Duration.ofMillis(positive(env, "WEBHOOK_RETRY_BASE_MILLIS", 500, 60_000));
    Duration max =
        base.multipliedBy(16).compareTo(Duration.ofSeconds(8)) > 0
            ? base.multipliedBy(16)
            : Duration.ofSeconds(8);
    int listed = (int) positive(env, "ALERT_MAX_LISTED_FAILURES", 20, 1000);
    return new NotifierConfig(
        webhooks,
        secret(secret),
        bucket,
        prefix,
        RetryPolicy.of(timeout, budget, base, max),
        listed);
  }

  /** How long a claim on a delivery lasts: longer than one delivery can take. */
  public Duration lease() {
    return retryPolicy.budget().plus(retryPolicy.requestTimeout()).plusSeconds(30);
  }

  private static List<Webhook> urls(Map<String, String> env, String name, Webhook.Format format) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return List.of();
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        seen.add(part.trim());
      }
    }
    List<Webhook> result = new ArrayList<>();
    int index = 0;
    for (String url : seen) {
      try {
        result.add(Webhook.parse(url, format));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + " entry " + (index + 1) + ": " + e.getMessage());
      }
      index++;
    }
    return result;
  }

  private static WebhookSecret secret(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return WebhookSecret.of(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("SCENEGATE_WEBHOOK_SECRET is empty");
    }
  }

  static String statePrefix(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_STATE_PREFIX;
    }
    String prefix = value.trim();
    while (prefix.startsWith("/")) {
      prefix = prefix.substring(1);
    }
    if (prefix.isEmpty()) {
      return "";
    }
    if (prefix.contains("..") || prefix.contains("\\") || prefix.contains("//")) {
      throw new IllegalArgumentException("STATE_PREFIX must be a plain object-name prefix");
    }
    return prefix.endsWith("/") ? prefix : prefix + "/";
  }

  private static String trimmed(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static long positive(Map<String, String> env, String name, long fallback, long max) {
    String value = trimmed(env, name);
    if (value == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < 1 || parsed > max) {
        throw new IllegalArgumentException(name + " must be between 1 and " + max);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number");
    }
  }

  @Override
  public String toString() {
    return "NotifierConfig[webhooks="
        + webhooks
        + ", secret=redacted, stateBucket="
        + stateBucket
        + ", statePrefix="
        + statePrefix
        + ", retryPolicy="
        + retryPolicy
        + ", maxListedFailures="
        + maxListedFailures
        + "]";
  }
}
