package dev.scenegate.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.scenegate.scene.SceneIds;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The board's HTTP server (the JDK's own): bound to 127.0.0.1 only, answering GET only, and only to
 * requests whose Host header names this address and port ({@code 127.0.0.1:P} or {@code
 * localhost:P}), so a page on another site cannot reach it through DNS rebinding. Every response
 * carries a strict Content-Security-Policy: the pages load only this server's stylesheet and script
 * and talk only to this server.
 *
 * <p>Routes: {@code /} the fleet ({@code ?verdict=V&q=TEXT} filter it), {@code /scene/<id>} a
 * scene, {@code /api/fleet} the fleet as JSON (what the page polls), {@code /board.css}, {@code
 * /board.js}.
 */
final class BoardServer implements AutoCloseable {
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src"
          + " 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  /** The fleet is read again at most this often, however many tabs poll. */
  static final Duration MIN_REREAD = Duration.ofSeconds(2);

  private static final byte[] LOOPBACK = {127, 0, 0, 1};

  private final HttpServer server;
  private final ExecutorService executor;
  private final FleetReader reader;
  private final String source;
  private final int pollMillis;
  private final Clock clock;
  private final int port;
  private Snapshot latest;

  /** The fleet as last read, when, and its version (what the page compares when it polls). */
  private record Snapshot(FleetView view, String version, Instant at) {}

  private BoardServer(
      HttpServer server, FleetReader reader, String source, int pollMillis, Clock clock) {
    this.server = server;
    this.reader = reader;
    this.source = source;
    this.pollMillis = pollMillis;
    this.clock = clock;
    this.port = server.getAddress().getPort();
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "scenegate-board-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /** Binds 127.0.0.1:{@code port} ({@code 0}: any free port) and starts serving. */
  static BoardServer start(FleetReader reader, String source, int port, int pollMillis, Clock clock)
      throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(LOOPBACK), port), 0);
    BoardServer board = new BoardServer(server, reader, source, pollMillis, clock);
    server.start();
    return board;
  }

  int port() {
    return port;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  /** Reads the fleet now (the first page is then ready at once). */
  void warmUp() throws IOException {
    fleet(true);
  }

  private synchronized Snapshot fleet(boolean force) throws IOException {
    Instant now = clock.instant();
    if (force || latest == null || Duration.between(latest.at(), now).compareTo(MIN_REREAD) >= 0) {
      FleetView view = reader.read();
      latest = new Snapshot(view, version(view), now);
    }
    return latest;
  }

  private static String version(FleetView view) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(view.toJson().toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Headers out = exchange.getResponseHeaders();
      out.set("Content-Security-Policy", CSP);
      out.set("X-Content-Type-Options", "nosniff");
      out.set("X-Frame-Options", "DENY");
      out.set("Referrer-Policy", "no-referrer");
      out.set("Cross-Origin-Opener-Policy", "same-origin");
      out.set("Cross-Origin-Resource-Policy", "same-origin");
      out.set("Cache-Control", "no-store");
      if (!hostAllowed(exchange.getRequestHeaders().get("Host"))) {
        plain(exchange, 403, "refused: the Host header must be 127.0.0.1:" + port);
        return;
      }
      if (!"GET".equals(exchange.getRequestMethod())) {
        out.set("Allow", "GET");
        plain(exchange, 405, "only GET is answered");
        return;
      }
      route(exchange);
    } catch (IOException e) {
      // The browser went away mid-response: nothing to tell it.
    }
  }

  /** Exactly one Host header, naming the loopback address (or localhost) and this port. */
  boolean hostAllowed(List<String> hosts) {
    if (hosts == null || hosts.size() != 1) {
      return false;
    }
    String host = hosts.get(0).strip().toLowerCase(Locale.ROOT);
    return host.equals("127.0.0.1:" + port) || host.equals("localhost:" + port);
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    switch (path) {
      case "/" -> {
        Snapshot s = fleetOr503(exchange);
        if (s != null) {
          html(
              exchange,
              200,
              BoardPage.fleet(
                  s.view(),
                  context(s.version()),
                  new BoardPage.Filter(query.get("verdict"), query.get("q"))));
        }
      }
      case "/api/fleet" -> {
        Snapshot s = fleetOr503(exchange);
        if (s != null) {
          ObjectNode json = s.view().toJson();
          json.put("read_at", s.view().readAt().toString());
          json.put("version", s.version());
          send(exchange, 200, "application/json; charset=utf-8", json.toString());
        }
      }
      case "/board.css" -> send(exchange, 200, "text/css; charset=utf-8", BoardAssets.CSS);
      case "/board.js" -> send(exchange, 200, "text/javascript; charset=utf-8", BoardAssets.JS);
      default -> {
        if (path.startsWith("/scene/")) {
          scene(
              exchange,
              URLDecoder.decode(path.substring("/scene/".length()), StandardCharsets.UTF_8));
        } else {
          html(exchange, 404, BoardPage.message(context(""), "Not found", "No page " + path));
        }
      }
    }
  }

  private void scene(HttpExchange exchange, String sceneId) throws IOException {
    if (!SceneIds.isValid(sceneId)) {
      html(exchange, 404, BoardPage.message(context(""), "Not found", "No scene " + sceneId));
      return;
    }
    Snapshot s = fleetOr503(exchange);
    if (s == null) {
      return;
    }
    Optional<FleetReader.SceneDetail> detail;
    try {
      detail = reader.scene(sceneId);
    } catch (StateDocuments.UnreadableStateException e) {
      html(
          exchange,
          200,
          BoardPage.message(
              context(s.version()),
              "scene " + sceneId,
              "state document " + reader.describe(sceneId) + " is unreadable: " + e.getMessage()));
      return;
    } catch (IOException | RuntimeException e) {
      html(
          exchange,
          502,
          BoardPage.message(
              context(s.version()), "scene " + sceneId, "could not be read: " + e.getMessage()));
      return;
    }
    if (detail.isEmpty()) {
      html(
          exchange,
          404,
          BoardPage.message(
              context(s.version()), "Not found", "No state for scene " + sceneId + " (yet)"));
      return;
    }
    html(exchange, 200, ScenePage.scene(detail.get(), context(s.version()), clock.instant()));
  }

  private Snapshot fleetOr503(HttpExchange exchange) throws IOException {
    try {
      return fleet(false);
    } catch (IOException | RuntimeException e) {
      html(
          exchange,
          503,
          BoardPage.message(
              context(""),
              "Cannot read the fleet",
              "listing " + FleetSource.describe(reader) + " failed: " + e.getMessage()));
      return null;
    }
  }

  private BoardPage.Context context(String version) {
    return new BoardPage.Context(
        BoardPage.Mode.SERVED, source, reader.deadlines(), version, pollMillis);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        values.putIfAbsent(
            URLDecoder.decode(key, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // A malformed escape: the parameter is ignored.
      }
    }
    return values;
  }

  private static void html(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, "text/html; charset=utf-8", body);
  }

  private static void plain(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, "text/plain; charset=utf-8", body + "\n");
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
