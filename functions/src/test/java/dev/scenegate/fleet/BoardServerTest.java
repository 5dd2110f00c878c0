package dev.scenegate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.storage.LocalObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The board's server over real HTTP on 127.0.0.1: what it answers, to whom, and how. */
class BoardServerTest {
  @TempDir static Path dir;
  private static FleetReader reader;
  private static BoardServer server;

  @BeforeAll
  static void start() throws Exception {
    new FleetScenes(new LocalObjectStore(dir), Instant.now()).writeAll();
    reader =
        new FleetReader(
            new LocalObjectStore(dir),
            SceneStateStore.DEFAULT_PREFIX,
            Deadlines.defaults(),
            Clock.systemUTC(),
            4);
    server = BoardServer.start(reader, dir.toString(), 0, 5000, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    server.close();
    reader.close();
  }

  /** One raw HTTP/1.1 exchange, so the Host header is exactly what the test says. */
  record Response(int status, Map<String, String> headers, String body) {}

  static Response request(String method, String path, String host) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      OutputStream out = socket.getOutputStream();
      StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
      if (host != null) {
        req.append("Host: ").append(host).append("\r\n");
      }
      req.append("Connection: close\r\n\r\n");
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int split = raw.indexOf("\r\n\r\n");
      String[] head = raw.substring(0, split).split("\r\n");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < head.length; i++) {
        int colon = head[i].indexOf(':');
        headers.put(
            head[i].substring(0, colon).toLowerCase(Locale.ROOT),
            head[i].substring(colon + 1).strip());
      }
      return new Response(
          Integer.parseInt(head[0].split(" ")[1]), headers, raw.substring(split + 4));
    }
  }

  private static String self() {
    return "127.0.0.1:" + server.port();
  }

  @Test
  void servesTheFleetToTheLoopbackHostOnly() throws Exception {
    assertEquals(200, request("GET", "/", self()).status());
    assertEquals(200, request("GET", "/", "localhost:" + server.port()).status());
    assertEquals(200, request("GET", "/", "LOCALHOST:" + server.port()).status());
    // DNS rebinding: a name the attacker controls resolves to 127.0.0.1; the Host header says so.
    Response rebound = request("GET", "/", "evil.example:" + server.port());
    assertEquals(403, rebound.status());
    assertFalse(rebound.body().contains("scene"), rebound.body());
    assertEquals(403, request("GET", "/", "evil.example").status());
    assertEquals(403, request("GET", "/", "127.0.0.1:" + (server.port() + 1)).status());
    assertEquals(403, request("GET", "/", "127.0.0.1").status());
    assertEquals(403, request("GET", "/", null).status(), "no Host at all");
    assertEquals(403, request("GET", "/api/fleet", "[::1]:" + server.port()).status());
  }

  @Test
  void answersGetOnly() throws Exception {
    for (String method : new String[] {"POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"}) {
      Response r = request(method, "/", self());
      assertEquals(405, r.status(), method);
      assertEquals("GET", r.headers().get("allow"), method);
    }
  }

  @Test
  void boundToTheLoopbackAddressOnly() throws Exception {
    InetAddress other = null;
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          other = a;
        }
      }
    }
    if (other == null) {
      return; // no other address on this machine: nothing else could reach it
    }
    InetAddress address = other;
    assertThrows(
        IOException.class,
        () -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, server.port()), 2000);
          }
        },
        "reachable on " + address);
  }

  @Test
  void strictHeadersOnEveryResponse() throws Exception {
    for (String path :
        new String[] {"/", "/api/fleet", "/board.js", "/scene/garage_failed", "/x"}) {
      Response r = request("GET", path, self());
      String csp = r.headers().get("content-security-policy");
      assertTrue(csp != null && csp.startsWith("default-src 'none'"), path + ": " + csp);
      assertTrue(csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"), csp);
      assertFalse(csp.contains("unsafe"), csp);
      assertEquals("nosniff", r.headers().get("x-content-type-options"), path);
      assertEquals("no-store", r.headers().get("cache-control"), path);
    }
    assertEquals(404, request("GET", "/x", self()).status());
    assertTrue(
        request("GET", "/board.css", self()).headers().get("content-type").startsWith("text/css"));
  }

  @Test
  void everyValueFromTheBucketIsEscaped() throws Exception {
    String fleet = request("GET", "/", self()).body();
    assertTrue(fleet.contains("&lt;img src=x onerror=alert(1)&gt;"), "the id, as text");
    assertFalse(fleet.contains("<img"), "no markup from the bucket");
    String scene = request("GET", "/scene/" + FleetScenes.HTML_FILES, self()).body();
    assertTrue(scene.contains("&lt;img src=x onerror=alert(2)&gt;.glb"), scene);
    assertTrue(scene.contains("&lt;script&gt;alert(3)&lt;/script&gt;.glb"), scene);
    assertFalse(scene.contains("<img"), scene);
    assertFalse(scene.contains("<script>alert"), scene);
    // Only the page's own script tag.
    Matcher scripts = Pattern.compile("<script").matcher(scene);
    int count = 0;
    while (scripts.find()) {
      count++;
    }
    assertEquals(1, count, scene);
  }

  @Test
  void aFailedScenesPage() throws Exception {
    Response r = request("GET", "/scene/" + FleetScenes.FAILED, self());
    assertEquals(200, r.status());
    assertTrue(r.headers().get("content-type").startsWith("text/html; charset=utf-8"));
    String[] digests = new FleetScenes(new LocalObjectStore(dir), Instant.now()).failedDigests();
    assertTrue(r.body().contains(digests[0]), "expected digest");
    assertTrue(r.body().contains(digests[1]), "actual digest");
    assertTrue(r.body().contains("SHA256_MISMATCH"));
    assertTrue(r.body().contains("assets/.failed"));
    assertTrue(r.body().contains("Re-stage assets"), "remediation");
    assertTrue(r.body().contains("checksum_failure"), "the alert raised");
  }

  @Test
  void scenesThatAreNotThere() throws Exception {
    assertEquals(404, request("GET", "/scene/nowhere_1", self()).status());
    assertEquals(404, request("GET", "/scene/..%2F..%2Fetc%2Fpasswd", self()).status());
    assertEquals(404, request("GET", "/scene/%3Cimg%3E", self()).status());
    Response broken = request("GET", "/scene/" + FleetScenes.BROKEN, self());
    assertEquals(200, broken.status());
    assertTrue(broken.body().contains("is unreadable: not JSON"), broken.body());
  }

  @Test
  void theJsonThePagePolls() throws Exception {
    Response r = request("GET", "/api/fleet", self());
    assertTrue(r.headers().get("content-type").startsWith("application/json"));
    JsonNode json = new ObjectMapper().readTree(r.body());
    assertEquals(8, json.path("scenes").size());
    assertEquals(2, json.path("counts").path("failed").asInt());
    assertEquals(24, json.path("version").asText().length());
    String page = request("GET", "/", self()).body();
    assertTrue(page.contains("data-version=\"" + json.path("version").asText() + "\""));
  }

  @Test
  void theFilterWorksWithoutScript() throws Exception {
    String page = request("GET", "/?verdict=failed&q=", self()).body();
    assertTrue(page.contains("2 of 8 scenes shown"), page);
    String text = request("GET", "/?q=%20GENIESIM_EXPORT+stale", self()).body();
    assertTrue(text.contains("1 of 8 scenes shown"), text);
  }

  @Test
  void aSnapshotIsOneSelfContainedFile(@TempDir Path out) throws Exception {
    Path file = out.resolve("fleet.html");
    FleetCli cli =
        FleetCli.run(Map.of(), "board", "--dir", dir.toString(), "--html", file.toString());
    assertEquals(0, cli.exit(), cli.toString());
    String page = Files.readString(file);
    assertTrue(
        page.contains(
            "Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-"));
    assertFalse(page.contains("src=\""), "loads nothing");
    assertFalse(page.contains("href=\"http"), "links nowhere");
    assertFalse(page.contains("<img"), "no markup from the bucket");
    String[] digests = new FleetScenes(new LocalObjectStore(dir), Instant.now()).failedDigests();
    assertTrue(page.contains(digests[1]), "the failed scene is in it");
    assertTrue(page.contains("id=\"scene-" + FleetScenes.RUNNING_STALE + "\""));
    assertFalse(page.contains("id=\"scene-" + FleetScenes.PASSED + "\""), "only what needs a look");
    assertTrue(page.contains(BoardAssets.cspHash(BoardAssets.JS)));

    FleetCli both =
        FleetCli.run(
            Map.of(), "board", "--dir", dir.toString(), "--html", file.toString(), "--port", "1");
    assertEquals(2, both.exit());
    FleetCli noFolder =
        FleetCli.run(
            Map.of(),
            "board",
            "--dir",
            dir.toString(),
            "--html",
            out.resolve("a/b.html").toString());
    assertEquals(2, noFolder.exit());
    assertTrue(noFolder.oneErrorLine().contains("no such folder"), noFolder.err());
  }
}
