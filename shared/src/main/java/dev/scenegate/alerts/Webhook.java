package dev.scenegate.alerts;

import dev.scenegate.verify.Sha256;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * One configured receiver. A webhook URL is a credential (a Slack incoming-webhook URL is all it
 * takes to post to a channel), so {@link #toString()} and {@link #display()} show only scheme, host
 * and a stable key derived from a hash of the URL; logs and ledger objects use the key.
 */
public record Webhook(URI url, Format format) {

  /** The body a receiver gets. */
  public enum Format {
    /** The alert JSON plus a plain {@code text} summary. */
    JSON("json"),
    /** {@code {"text": ...}} in Slack mrkdwn. */
    SLACK("slack");

    private final String label;

    Format(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public Webhook {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(format, "format");
  }

  /**
   * Parses one configured URL; only absolute http(s) URLs with a host are accepted. The error
   * message never repeats the URL beyond its scheme and host.
   */
  public static Webhook parse(String text, Format format) {
    URI uri;
    try {
      uri = URI.create(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a " + format.label() + " webhook URL is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "a " + format.label() + " webhook URL must be http or https");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("a " + format.label() + " webhook URL has no host");
    }
    return new Webhook(uri, format);
  }

  /**
   * Stable and safe to show: {@code json-<16 hex>} from the URL's SHA-256. Names the webhook's
   * record in the delivery ledger.
   */
  public String key() {
    String hex = Sha256.hex(url.toString().getBytes(StandardCharsets.UTF_8));
    return format.label() + "-" + hex.substring(0, 16);
  }

  /** For logs: {@code https://hooks.example.com/… (json-0123456789abcdef)}. */
  public String display() {
    String port = url.getPort() < 0 ? "" : ":" + url.getPort();
    return url.getScheme() + "://" + url.getHost() + port + "/… (" + key() + ")";
  }

  @Override
  public String toString() {
    return "Webhook[" + display() + "]";
  }
}
