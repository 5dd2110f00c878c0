package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 1: an endpoint nobody answers on is reported as such, with the host tried and the
 * fix, and exit 2 (a port that was just closed on 127.0.0.1 stands for it).
 */
class UnreachableEndpointTest {
  private static String closed;

  @BeforeAll
  static void closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = "127.0.0.1:" + socket.getLocalPort();
    }
  }

  @Test
  void verifyOnAClosedStorageEmulatorPortIsAStorageErrorNamingTheHost() throws Exception {
    Cli run =
        Cli.run(
            Map.of("STORAGE_EMULATOR_HOST", closed), "verify", "gs://some-bucket/scene", "--json");

    assertEquals(2, run.exit(), run.toString());
    JsonNode error = new ObjectMapper().readTree(run.out()).get("error");
    assertEquals("STORAGE_ERROR", error.get("kind").textValue());
    assertTrue(error.get("message").textValue().contains(closed), error.toString());
    assertTrue(
        error.get("message").textValue().contains("STORAGE_EMULATOR_HOST"), error.toString());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().startsWith("scenegate verify: cannot reach Cloud Storage at"), run.err());
  }

  @Test
  void checkWithABucketOnAClosedPortIsAStorageError() {
    Cli run =
        Cli.run(
            Map.of("STORAGE_EMULATOR_HOST", closed), "check", "kitchen_001", "--bucket", "b-1x");

    assertEquals(2, run.exit(), run.toString());
    assertTrue(run.err().contains("cannot reach Cloud Storage at http://" + closed), run.err());
  }

  @Test
  void alertsTailOnAClosedPubSubPortSaysSo() {
    Cli run =
        Cli.run(
            Map.of("PUBSUB_EMULATOR_HOST", closed),
            "alerts",
            "tail",
            "--subscription",
            "projects/p/subscriptions/checksum-alerts-sub");

    assertEquals(2, run.exit(), run.toString());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().contains("cannot reach Pub/Sub at " + closed), run.err());
    assertTrue(run.err().contains("PUBSUB_EMULATOR_HOST"), run.err());
  }
}
