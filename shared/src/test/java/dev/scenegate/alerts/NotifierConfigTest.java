package dev.scenegate.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifierConfigTest {
  private static final String SLACK = "https://hooks.slack.com/services/T000/B000/XXXXSECRET";

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("SCENEGATE_WEBHOOK_SECRET", "the-secret");
    env.put("STATE_BUCKET", "state-bucket");
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void readsEverything() {
    NotifierConfig config =
        NotifierConfig.fromEnv(
            env(
                "WEBHOOK_URLS", " https://a.example/hook , http://localhost:8080/x,,",
                "SLACK_WEBHOOK_URLS", SLACK,
                "STATE_PREFIX", "/ops/state",
                "WEBHOOK_TIMEOUT_SECONDS", "3",
                "WEBHOOK_RETRY_BUDGET_SECONDS", "20",
                "WEBHOOK_RETRY_BASE_MILLIS", "100",
                "ALERT_MAX_LISTED_FAILURES", "5"));
    assertEquals(3, config.webhooks().size());
    assertEquals(Webhook.Format.JSON, config.webhooks().get(0).format());
    assertEquals("https://a.example/hook", config.webhooks().get(0).url().toString());
    assertEquals(Webhook.Format.SLACK, config.webhooks().get(2).format());
    assertEquals("state-bucket", config.stateBucket());
    assertEquals("ops/state/", config.statePrefix());
    assertEquals(Duration.ofSeconds(3), config.retryPolicy().requestTimeout());
    assertEquals(Duration.ofSeconds(20), config.retryPolicy().budget());
    assertEquals(Duration.ofMillis(100), config.retryPolicy().baseDelay());
    assertEquals(5, config.maxListedFailures());
    assertEquals(WebhookSecret.of("the-secret"), config.secret());
    assertTrue(config.lease().compareTo(Duration.ofSeconds(23)) > 0);
  }

  @Test
  void defaults() {
    NotifierConfig config = NotifierConfig.fromEnv(env("WEBHOOK_URLS", "https://a.example/h"));
    assertEquals("_scenegate/state/", config.statePrefix());
    assertEquals(RetryPolicy.STANDARD.requestTimeout(), config.retryPolicy().requestTimeout());
    assertEquals(RetryPolicy.STANDARD.budget(), config.retryPolicy().budget());
    assertEquals(AlertText.DEFAULT_MAX_LISTED_FAILURES, config.maxListedFailures());
  }

  @Test
  void noWebhookMeansLogOnlyAndNeedsNoSecret() {
    NotifierConfig config = NotifierConfig.fromEnv(Map.of());
    assertTrue(config.webhooks().isEmpty());
    assertEquals(null, config.secret());
  }

  @Test
  void refusesWhatCannotWork() {
    Map<String, String> noSecret = env("WEBHOOK_URLS", "https://a.example/h");
    noSecret.remove("SCENEGATE_WEBHOOK_SECRET");
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> NotifierConfig.fromEnv(noSecret))
            .getMessage()
            .contains("SCENEGATE_WEBHOOK_SECRET"));
    Map<String, String> noBucket = env("WEBHOOK_URLS", "https://a.example/h");
    noBucket.remove("STATE_BUCKET");
    assertThrows(IllegalArgumentException.class, () -> NotifierConfig.fromEnv(noBucket));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            NotifierConfig.fromEnv(
                env("WEBHOOK_URLS", "https://a.example/h", "WEBHOOK_TIMEOUT_SECONDS", "0")));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            NotifierConfig.fromEnv(
                env("WEBHOOK_URLS", "https://a.example/h", "STATE_PREFIX", "a/../b")));
  }

  @Test
  void badUrlErrorsDoNotRepeatTheUrl() {
    for (String bad :
        new String[] {
          "ftp://host/XXXXSECRET", "hooks/XXXXSECRET", "https:///XXXXSECRET", "%%XXXXSECRET"
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> NotifierConfig.fromEnv(env("SLACK_WEBHOOK_URLS", bad)));
      assertTrue(e.getMessage().startsWith("SLACK_WEBHOOK_URLS entry 1"), e.getMessage());
      assertFalse(e.getMessage().contains("XXXXSECRET"), e.getMessage());
    }
  }

  @Test
  void printingTheConfigRevealsNoCredential() {
    NotifierConfig config = NotifierConfig.fromEnv(env("SLACK_WEBHOOK_URLS", SLACK));
    String text = config.toString();
    assertFalse(text.contains("the-secret"), text);
    assertFalse(text.contains("XXXXSECRET"), text);
    assertTrue(text.contains("hooks.slack.com"), text);
  }
}
