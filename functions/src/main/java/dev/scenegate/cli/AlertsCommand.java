package dev.scenegate.cli;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.pubsub.v1.ReceivedMessage;
import dev.scenegate.alerts.AlertCodec;
import dev.scenegate.alerts.AlertText;
import dev.scenegate.alerts.InvalidAlertException;
import dev.scenegate.alerts.ReceivedAlert;
import dev.scenegate.events.PubSubConfig;
import dev.scenegate.retry.Backoff;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code scenegate alerts tail --subscription S}: pulls checksum alerts from a Pub/Sub subscription
 * on {@code checksum-alerts} and prints them for people (the same text as the Slack message, plain)
 * or as JSON lines; acknowledges each message only after it was printed.
 */
@Command(
    name = "alerts",
    header = "print checksum alerts from a Pub/Sub subscription (alerts tail)",
    customSynopsis =
        "scenegate alerts tail --subscription S [--project P] [--json] [--max N]"
            + " [--wait SECONDS] [--follow]",
    description =
        """
        Pulls alerts (the checksum-alerts topic's messages) from subscription S and prints
        each one as the on-call text (scene, stage, manifest, failing files with expected
        and actual hash and size, where to look, remediation), or with --json as one JSON
        object per line, exactly as published. All five kinds: checksum_failure, drift,
        gate_failure, freshness (a stage past its deadline: status, since, what it waits
        for, its marker) and fixity (an audit's findings: verified and current generation). A message is acknowledged only after it was
        printed; one that is not a valid alert is reported on stderr and acknowledged.
        PUBSUB_EMULATOR_HOST is honoured (plaintext, no credentials); otherwise Application
        Default Credentials are used.
        """,
    footer =
        """
        exit codes: 0 done (or stopped with Ctrl-C or SIGTERM), 2 bad input (usage, unknown
                    subscription, no access, Pub/Sub unreachable: said within seconds)""")
public final class AlertsCommand extends CliCommand {
  static final Pattern FULL_NAME = Pattern.compile("projects/([^/]+)/subscriptions/([^/]+)");
  static final Pattern SUBSCRIPTION_ID = Pattern.compile("[A-Za-z][-A-Za-z0-9_.~+%]{2,254}");
  private static final int BATCH = 100;

  /** Shortest time between two empty pulls, so an idle subscription is not polled hot. */
  private static final Duration IDLE_PAUSE = Duration.ofMillis(250);

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

  /** Longest wait of one pull: a stop or --wait is noticed within it. */
  private static final Duration PULL_DEADLINE = Duration.ofSeconds(1);

  /** With --follow, a connection that worked is retried this patiently before giving up. */
  private static final Backoff RECONNECT =
      Backoff.exponential(Duration.ofMillis(250), Duration.ofSeconds(4)).withMaxAttempts(8);

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "tail",
      description = "the subcommand: print alerts as they are pulled")
  String subcommand;

  @Option(
      names = "--subscription",
      paramLabel = "S",
      description = "subscription id, or projects/P/subscriptions/S")
  String given;

  @Option(
      names = "--project",
      paramLabel = "P",
      description =
          "project of a bare id (default: GOOGLE_CLOUD_PROJECT, PUBSUB_PROJECT_ID, GCLOUD_PROJECT)")
  String project;

  @Option(names = "--json", description = "JSON lines instead of text")
  boolean json;

  @Option(names = "--max", paramLabel = "N", description = "stop after N messages")
  String maxOption;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      description = "stop when no message came for this long (default 10)")
  String waitOption;

  @Option(
      names = "--follow",
      description = "keep waiting for new alerts until Ctrl-C or SIGTERM (exit 0)")
  boolean follow;

  @Override
  protected int run() throws Exception {
    Console console = console();
    if (subcommand == null) {
      throw CliException.usage("missing subcommand (scenegate alerts tail --subscription S)");
    }
    if (!subcommand.equals("tail")) {
      throw CliException.usage("unknown subcommand '" + subcommand + "' (want tail)");
    }
    // Every argument is checked before the subscription is resolved or anything is dialled.
    int max = Numbers.positiveInt("--max", maxOption, 0, 1_000_000);
    Duration wait = Duration.ofSeconds(Numbers.positiveInt("--wait", waitOption, 10, 86_400));
    if (given == null || given.isBlank()) {
      throw CliException.usage("--subscription is required");
    }
    PubSubConfig pubSub = PubSubConfig.fromEnvironment(console.env());
    String emulator = pubSub.emulatorHost();
    String path = subscriptionPath(given.strip(), project, pubSub.projectId());

    probe(emulator);
    AlertText text = AlertText.standard();
    PrintStream out = console.out();
    int handled = 0;
    boolean reached = false;
    int failedPulls = 0;
    try (AlertSubscription subscription = AlertSubscription.open(path, emulator);
        // --follow ends on Ctrl-C or SIGTERM after the batch in hand is printed and acked: exit 0.
        StopSignals signals = StopSignals.install(() -> {})) {
      long idleSince = System.nanoTime();
      while ((max == 0 || handled < max) && !signals.stopping()) {
        long idle = System.nanoTime() - idleSince;
        if (!follow && idle >= wait.toNanos()) {
          break;
        }
        // Short pulls, so --wait and a stop are honoured within about a second.
        Duration deadline = follow ? PULL_DEADLINE : shorter(wait.minusNanos(idle), PULL_DEADLINE);
        int batch = max == 0 ? BATCH : Math.min(BATCH, max - handled);
        List<ReceivedMessage> received;
        long pulledAt = System.nanoTime();
        try {
          received = pull(subscription, batch, deadline);
          reached = true;
          failedPulls = 0;
        } catch (ApiException e) {
          // Never reached: say so now. Reached before (--follow): ride out a short outage.
          if (!reached || !RECONNECT.allows(++failedPulls) || !transientFailure(e)) {
            throw e;
          }
          RECONNECT.pauseAfter(failedPulls);
          continue;
        }
        if (received.isEmpty()) {
          // The emulator answers an empty pull at once: do not poll it in a tight loop.
          long quick = IDLE_PAUSE.toNanos() - (System.nanoTime() - pulledAt);
          if (quick > 0) {
            Thread.sleep(quick / 1_000_000);
          }
          continue;
        }
        idleSince = System.nanoTime();
        List<String> printed = new ArrayList<>();
        for (ReceivedMessage message : received) {
          print(message, json, text, console);
          printed.add(message.getAckId());
        }
        out.flush();
        acknowledge(subscription, printed);
        handled += printed.size();
      }
    } catch (ApiException e) {
      throw failure(e, path, emulator);
    }
    return ExitCodes.OK;
  }

  /**
   * A TCP connection to the Pub/Sub endpoint within seconds, or exit 2 naming it: a gRPC pull on a
   * closed port waits out its deadline instead of failing.
   */
  private static void probe(String emulator) throws CliException {
    String target = emulator != null ? emulator : "pubsub.googleapis.com:443";
    int colon = target.lastIndexOf(':');
    String host = colon < 0 ? target : target.substring(0, colon);
    int port;
    try {
      port = colon < 0 ? 443 : Integer.parseInt(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw CliException.usage("PUBSUB_EMULATOR_HOST must be host:port, got '" + target + "'");
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) PROBE_TIMEOUT.toMillis());
    } catch (IOException e) {
      String why =
          e instanceof java.net.UnknownHostException
              ? "unknown host " + host
              : e instanceof java.net.SocketTimeoutException ? "timed out" : "connection refused";
      throw new CliException(
          ExitCodes.BAD_INPUT,
          "PUBSUB_UNREACHABLE",
          "cannot reach Pub/Sub at "
              + target
              + " ("
              + why
              + "); "
              + (emulator != null
                  ? "is the emulator running there? PUBSUB_EMULATOR_HOST names it"
                  : "check the network, or set PUBSUB_EMULATOR_HOST=host:port for an emulator"));
    }
  }

  private static Duration shorter(Duration a, Duration b) {
    Duration min = a.compareTo(b) < 0 ? a : b;
    return min.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : min;
  }

  private static boolean transientFailure(ApiException e) {
    return e.getStatusCode().getCode() == StatusCode.Code.UNAVAILABLE;
  }

  private static void print(
      ReceivedMessage received, boolean json, AlertText text, Console console) {
    String messageId = received.getMessage().getMessageId();
    ReceivedAlert alert;
    try {
      alert = AlertCodec.decode(received.getMessage().getData().toByteArray());
    } catch (InvalidAlertException e) {
      console
          .err()
          .println(
              "scenegate alerts: message "
                  + messageId
                  + " is not a valid alert ("
                  + Main.oneLine(e.getMessage())
                  + "); acknowledged");
      return;
    }
    if (json) {
      console.out().println(alert.json().toString());
    } else {
      console.out().print(text.plain(alert));
      console.out().println();
    }
  }

  private static List<ReceivedMessage> pull(
      AlertSubscription subscription, int batch, Duration deadline) {
    try {
      return subscription.pull(batch, deadline);
    } catch (ApiException e) {
      if (e.getStatusCode().getCode() == StatusCode.Code.DEADLINE_EXCEEDED) {
        return List.of();
      }
      throw e;
    }
  }

  private static void acknowledge(AlertSubscription subscription, List<String> ackIds) {
    subscription.acknowledge(ackIds);
  }

  /**
   * {@code projects/P/subscriptions/S} from a full name or an id plus {@code --project}, else the
   * environment's project (PubSubConfig: GOOGLE_CLOUD_PROJECT, PUBSUB_PROJECT_ID, GCLOUD_PROJECT;
   * {@code test-project} against the emulator).
   */
  static String subscriptionPath(String given, String project, String environmentProject)
      throws CliException {
    Matcher full = FULL_NAME.matcher(given);
    if (full.matches()) {
      if (project != null && !project.equals(full.group(1))) {
        throw CliException.usage(
            "--project " + project + " contradicts the subscription's project " + full.group(1));
      }
      checkId(full.group(2));
      return given;
    }
    if (given.contains("/")) {
      throw CliException.usage(
          "--subscription must be an id or projects/P/subscriptions/S, got '" + given + "'");
    }
    checkId(given);
    String resolved = project != null ? project : environmentProject;
    if (resolved == null || resolved.isBlank()) {
      throw CliException.usage(
          "no project: pass --project, set GOOGLE_CLOUD_PROJECT, or give"
              + " projects/P/subscriptions/S");
    }
    return "projects/" + resolved.strip() + "/subscriptions/" + given;
  }

  private static void checkId(String id) throws CliException {
    if (!SUBSCRIPTION_ID.matcher(id).matches()) {
      throw CliException.usage("not a valid subscription id: '" + id + "'");
    }
  }

  private static CliException failure(ApiException e, String path, String emulator) {
    String host = emulator != null ? emulator : "pubsub.googleapis.com";
    String reason =
        switch (e.getStatusCode().getCode()) {
          case NOT_FOUND -> "subscription " + path + " not found";
          case PERMISSION_DENIED, UNAUTHENTICATED ->
              "no access to subscription "
                  + path
                  + " (run `gcloud auth application-default login` or use an account with"
                  + " roles/pubsub.subscriber)";
          case UNAVAILABLE, DEADLINE_EXCEEDED ->
              "cannot reach Pub/Sub at "
                  + host
                  + " while reading "
                  + path
                  + (emulator != null
                      ? " (is the emulator running there? PUBSUB_EMULATOR_HOST names it)"
                      : " (check the network, or set PUBSUB_EMULATOR_HOST=host:port for an"
                          + " emulator)");
          case INVALID_ARGUMENT -> "Pub/Sub refused the request for " + path;
          default -> "Pub/Sub error " + e.getStatusCode().getCode() + " reading " + path;
        };
    if (e.getStatusCode().getCode() == StatusCode.Code.NOT_FOUND || e.getMessage() == null) {
      return CliException.usage(reason);
    }
    String detail = e.getMessage().replaceFirst("^io\\.grpc\\.StatusRuntimeException: ", "");
    return CliException.usage(reason + ": " + Main.oneLine(detail));
  }
}
