package dev.scenegate.devstack;

import dev.scenegate.cli.CliCommand;
import dev.scenegate.cli.CliException;
import dev.scenegate.cli.Console;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.cli.Main;
import dev.scenegate.cli.StopSignals;
import dev.scenegate.devtools.DevTools;
import dev.scenegate.events.Topic;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scenegate dev-stack [--watch] ...}: the real wire on this machine until Ctrl-C. */
@Command(
    name = "dev-stack",
    header = "run the emulators, the marker function and an Eventarc stand-in locally",
    description =
        """
        Starts, on free ports: the Pub/Sub emulator; fake-gcs-server publishing a notification
        for every finalized object to it; the Functions Framework invoker serving
        dev.scenegate.functions.MarkerFunction against both; and a bridge that pulls the
        notifications and POSTs them to the invoker as google.cloud.storage.object.v1.finalized
        CloudEvents, as Eventarc would (acknowledged only after a 2xx, redelivered otherwise).
        Prints the endpoints and the environment to use them, then runs until Ctrl-C, which
        stops everything.

        Topics stage-events and checksum-alerts are created with pull subscriptions
        stage-events-sub and checksum-alerts-sub.
        """,
    footer =
        """
        environment: FAKE_GCS_SERVER, PUBSUB_EMULATOR, FUNCTION_INVOKER_JAR override where the
        parts are found (default: .tools/bin from scripts/install-test-tools or PATH; the
        gcloud SDK's pubsub-emulator; functions/target/function-invoker/ from the build).
        Thresholds (MIN_QUALITY_SCORE ...) are passed on to the function.

        exit codes: 0 stopped with Ctrl-C or SIGTERM, 1 a part stopped on its own,
                    2 a part is missing or failed to start, bad arguments""")
public final class DevStackCommand extends CliCommand {

  @Option(
      names = "--watch",
      description = "print stage events and alerts as the function publishes them")
  boolean watch;

  @Option(
      names = "--bucket",
      paramLabel = "B",
      description = "the bucket to create (default scenegate-dev)")
  String bucket;

  @Option(
      names = "--project",
      paramLabel = "P",
      description = "the Pub/Sub project (default scenegate-dev)")
  String project;

  @Option(
      names = "--log-dir",
      paramLabel = "DIR",
      description = "where the parts' logs go (default: a new temporary folder)")
  String logDirOption;

  @Override
  protected int run() throws Exception {
    Console console = console();
    DevTools tools = DevTools.fromEnvironment(console.env());
    Path fakeGcsServer;
    Path pubSubEmulator;
    Path invokerJar;
    Path functionJar;
    try {
      fakeGcsServer = tools.fakeGcsServer().require();
      pubSubEmulator = tools.pubSubEmulator().require();
      invokerJar = tools.invokerJar().require();
      functionJar = tools.functionJar().require();
    } catch (IOException e) {
      throw new CliException(ExitCodes.BAD_INPUT, "MISSING_TOOL", e.getMessage());
    }
    Path logDir =
        logDirOption == null
            ? Files.createTempDirectory("scenegate-dev-stack-")
            : Path.of(logDirOption);
    DevStack.Config config =
        new DevStack.Config(
            project == null ? DevStack.Config.DEFAULT_PROJECT : project,
            bucket == null ? DevStack.Config.DEFAULT_BUCKET : bucket,
            DevStack.Config.DEFAULT_NOTIFICATION_TOPIC,
            fakeGcsServer,
            pubSubEmulator,
            invokerJar,
            functionJar,
            tools.java(),
            logDir,
            thresholds(console.env()),
            watch);
    PrintStream out = console.out();
    NotificationBridge.Listener listener =
        new NotificationBridge.Listener() {
          @Override
          public void failed(String object, String reason, int attempt, int retryInSeconds) {
            console
                .err()
                .println(
                    "scenegate dev-stack: delivery of "
                        + object
                        + " failed ("
                        + Main.oneLine(reason)
                        + "); redelivery "
                        + (attempt + 1)
                        + " in "
                        + retryInSeconds
                        + " s");
          }
        };
    DevStack stack;
    try {
      stack = DevStack.start(config, out, listener);
    } catch (IOException e) {
      throw new CliException(ExitCodes.BAD_INPUT, "START_FAILED", e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // Ctrl-C or SIGTERM: every part is stopped, then exit 0 (DESIGN "Signals").
    try (StopSignals signals = StopSignals.install(stopped::countDown)) {
      printReady(out, stack);
      out.flush();
      while (!stopped.await(1, TimeUnit.SECONDS)) {
        Optional<String> dead = stack.deadPart();
        if (dead.isPresent()) {
          throw new CliException(ExitCodes.FAILED, "PART_STOPPED", dead.get());
        }
      }
      return ExitCodes.OK;
    } finally {
      stack.close();
      if (stopped.getCount() == 0) {
        out.println("scenegate dev-stack: stopped");
        out.flush();
      }
    }
  }

  private static Map<String, String> thresholds(Map<String, String> env) {
    Map<String, String> passed = new java.util.LinkedHashMap<>();
    for (String name :
        new String[] {
          "MIN_QUALITY_SCORE",
          "MIN_PASS_RATE",
          "MIN_AVERAGE_SCORE",
          "VERIFY_THREADS",
          "SCENEGATE_LOG_LEVEL"
        }) {
      if (env.containsKey(name)) {
        passed.put(name, env.get(name));
      }
    }
    return passed;
  }

  private static void printReady(PrintStream out, DevStack stack) {
    DevStack.Config c = stack.config();
    out.println();
    out.println("scenegate dev stack is up (Ctrl-C stops everything)");
    out.println("  Pub/Sub emulator   " + stack.pubSubHost() + "   project " + c.project());
    out.println(
        "  fake-gcs-server    "
            + stack.storageUrl()
            + "   bucket "
            + c.bucket()
            + ", finalize notifications to topic "
            + c.notificationTopic());
    out.println("  function invoker   " + stack.invokerUrl() + "   " + DevStack.FUNCTION_TARGET);
    out.println(
        "  bridge             "
            + DevStack.BRIDGE_SUBSCRIPTION
            + " -> invoker, as google.cloud.storage.object.v1.finalized CloudEvents");
    out.println(
        "  events             topics "
            + Topic.STAGE_EVENTS.defaultName()
            + ", "
            + Topic.CHECKSUM_ALERTS.defaultName()
            + "; pull subscriptions "
            + DevStack.subscriptionFor(Topic.STAGE_EVENTS)
            + ", "
            + DevStack.subscriptionFor(Topic.CHECKSUM_ALERTS));
    out.println("  logs               " + c.logDir());
    out.println();
    out.println("in another shell:");
    out.println(
        "  export STORAGE_EMULATOR_HOST="
            + stack.storageUrl()
            + " PUBSUB_EMULATOR_HOST="
            + stack.pubSubHost()
            + " BUCKET="
            + c.bucket()
            + " PROJECT="
            + c.project()
            // alerts tail and status read the project from here, as the function does.
            + " GOOGLE_CLOUD_PROJECT="
            + c.project());
    out.println(
        "  curl -X POST --data-binary @FILE"
            + " \"$STORAGE_EMULATOR_HOST/upload/storage/v1/b/$BUCKET/o?uploadType=media&name=OBJECT\"");
    if (c.watch()) {
      out.println();
      out.println("stage events and alerts:");
    }
    out.flush();
  }
}
