package dev.scenegate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.testing.Emulators;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code scenes} and {@code board} on a bucket of fake-gcs-server, through the real GCS adapter.
 */
class FleetGcsIT {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsOnly();

  private static String bucket;

  @BeforeAll
  static void fleet() throws Exception {
    bucket = EMULATORS.gcs().createBucket("fleet");
    new FleetScenes(new GcsObjectStore(EMULATORS.gcs().storage(), bucket), Instant.now())
        .writeAll();
  }

  @Test
  void scenesListsTheBucketFailuresFirst() throws Exception {
    FleetCli cli = FleetCli.run(EMULATORS.gcs().env(), "scenes", "--bucket", bucket, "--json");
    assertEquals(ExitCodes.OK, cli.exit(), cli.toString());
    JsonNode json = cli.json();
    List<String> ids = new ArrayList<>();
    json.path("scenes").forEach(s -> ids.add(s.path("scene_id").asText()));
    assertEquals(FleetScenes.FLEET_ORDER, ids);
    assertEquals(2, json.path("counts").path("failed").asInt());
    assertEquals(2, json.path("counts").path("unreadable").asInt());
    assertEquals(
        "geniesim_export", json.path("scenes").get(4).path("stale").get(0).path("stage").asText());

    FleetCli table = FleetCli.run(EMULATORS.gcs().env(), "scenes", "--bucket", "gs://" + bucket);
    assertEquals(ExitCodes.OK, table.exit(), table.toString());
    assertTrue(
        table.out().contains("8 scene(s) under gs://" + bucket + "/_scenegate/state/"),
        table.out());
  }

  @Test
  void aBucketThatIsNotThereIsBadInput() throws Exception {
    FleetCli cli =
        FleetCli.run(EMULATORS.gcs().env(), "scenes", "--bucket", "no-such-bucket-42", "--json");
    assertEquals(ExitCodes.BAD_INPUT, cli.exit());
    assertEquals("BUCKET_NOT_FOUND", cli.json().path("error").path("kind").asText());
    cli.oneErrorLine();
  }

  /** The jar, as an operator runs it: serves the bucket, and SIGTERM is a clean stop, exit 0. */
  @Test
  void theBoardServesTheBucketAndStopsCleanly() throws Exception {
    Path jar = Path.of("target", "scenegate.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "the shaded jar is built in package, before ITs: " + jar);
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString(),
            "board",
            "--bucket",
            bucket,
            "--port",
            "0");
    builder.environment().putAll(EMULATORS.gcs().env());
    Path err = Files.createTempFile(Path.of("target"), "board", ".err");
    builder.redirectError(err.toFile());
    Process process = builder.start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      assertTrue(first != null && first.startsWith("scenegate board: http://127.0.0.1:"), first);
      String url = first.substring("scenegate board: ".length()).split(" ")[0];
      HttpResponse<String> page =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains(FleetScenes.FAILED), page.body());
      HttpResponse<String> scene =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "scene/" + FleetScenes.FAILED)).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertTrue(scene.body().contains("SHA256_MISMATCH"), scene.body());

      process.toHandle().destroy(); // SIGTERM, as Ctrl-C's shutdown path
      // A guard against a hung child only; the test asserts no duration.
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running after SIGTERM");
      assertEquals("scenegate board: stopped", out.readLine());
    }
    assertEquals(0, process.exitValue(), Files.readString(err));
    assertEquals("", Files.readString(err));
  }
}
