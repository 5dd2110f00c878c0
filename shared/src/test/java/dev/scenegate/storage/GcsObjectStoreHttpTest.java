package dev.scenegate.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What fake-gcs-server cannot show: the adapter's requests and its mapping of Cloud Storage's error
 * responses, against a small hand-written HTTP responder.
 */
class GcsObjectStoreHttpTest {
  private record Seen(String method, String uri, String body) {}

  private interface Responder {
    void respond(HttpExchange exchange) throws IOException;
  }

  private HttpServer server;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private volatile Responder responder;
  private Storage storage;
  private GcsObjectStore store;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] raw = exchange.getRequestBody().readAllBytes();
          // The client gzips JSON bodies (magic 1f 8b).
          if (raw.length > 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            raw = new GZIPInputStream(new ByteArrayInputStream(raw)).readAllBytes();
          }
          String body = new String(raw, StandardCharsets.UTF_8);
          // The client tunnels PATCH through POST with X-HTTP-Method-Override.
          String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
          String method = override != null ? override : exchange.getRequestMethod();
          seen.add(new Seen(method, exchange.getRequestURI().toString(), body));
          responder.respond(exchange);
          exchange.close();
        });
    server.start();
    storage =
        StorageOptions.newBuilder()
            .setHost("http://127.0.0.1:" + server.getAddress().getPort())
            .setProjectId("p")
            .setCredentials(NoCredentials.getInstance())
            .setRetrySettings(ServiceOptions.getNoRetrySettings())
            .build()
            .getService();
    store = new GcsObjectStore(storage, "bkt");
  }

  @AfterEach
  void stop() throws Exception {
    storage.close();
    server.stop(0);
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String error(int code, String message) {
    return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"errors\":[]}}";
  }

  @Test
  void metadataUpdateSendsTheMetagenerationPreconditionAndMaps412() throws Exception {
    responder = exchange -> send(exchange, 412, error(412, "conditionNotMet"));
    Map<String, String> patch = new HashMap<>();
    patch.put("a", null);
    patch.put("b", "2");
    PreconditionFailedException e =
        assertThrows(
            PreconditionFailedException.class, () -> store.updateMetadata("x/o", patch, 7));
    assertEquals("gs://bkt/x/o", e.object());
    Seen request = seen.get(0);
    assertEquals("PATCH", request.method());
    assertTrue(request.uri().contains("ifMetagenerationMatch=7"), request.uri());
    JsonNode body = new ObjectMapper().readTree(request.body());
    assertTrue(
        body.path("metadata").has("a") && body.path("metadata").get("a").isNull(), request.body());
    assertEquals("2", body.path("metadata").path("b").asText());
  }

  @Test
  void deleteSendsTheGenerationPreconditionAndMaps412And404() {
    responder = exchange -> send(exchange, 412, error(412, "conditionNotMet"));
    assertThrows(PreconditionFailedException.class, () -> store.delete("s/.failed", 42));
    assertEquals("DELETE", seen.get(0).method());
    assertTrue(seen.get(0).uri().contains("ifGenerationMatch=42"), seen.get(0).uri());
    responder = exchange -> send(exchange, 404, error(404, "No such object"));
    assertThrows(java.nio.file.NoSuchFileException.class, () -> store.delete("s/.failed", 42));
  }

  @Test
  void createOnlyWriteSendsGenerationZeroAndMaps412() {
    responder = exchange -> send(exchange, 412, error(412, "conditionNotMet"));
    assertThrows(
        PreconditionFailedException.class,
        () -> store.write("o", new byte[] {1}, null, Map.of(), Precondition.doesNotExist()));
    assertTrue(seen.get(0).uri().contains("ifGenerationMatch=0"), seen.get(0).uri());
  }

  @Test
  void serverErrorsAndThrottlingAreTransient() {
    for (int status : new int[] {429, 500, 503}) {
      responder = exchange -> send(exchange, status, error(status, "try again"));
      IOException e = assertThrows(IOException.class, () -> store.stat("o"));
      assertInstanceOf(TransientStorageException.class, e, status + ": " + e);
    }
  }

  @Test
  void noAnswerAtAllIsTransientAndNamesTheNetworkFailure() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (Storage unreachable =
        StorageOptions.newBuilder()
            .setHost("http://127.0.0.1:" + closedPort)
            .setProjectId("p")
            .setCredentials(NoCredentials.getInstance())
            .setRetrySettings(ServiceOptions.getNoRetrySettings())
            .build()
            .getService()) {
      TransientStorageException e =
          assertThrows(
              TransientStorageException.class,
              () -> new GcsObjectStore(unreachable, "bkt").stat("scenes/o"));
      assertTrue(e.getMessage().startsWith("gs://bkt/scenes/o: cannot reach"), e.getMessage());
      assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
      assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }
  }

  @Test
  void networkFailuresAreNamedInWordsNotJavaClassNames() {
    assertEquals(
        "unknown host storage.googleapis.com",
        GcsObjectStore.networkFailure(new java.net.UnknownHostException("storage.googleapis.com")));
    assertEquals(
        "timed out: Read timed out",
        GcsObjectStore.networkFailure(new java.net.SocketTimeoutException("Read timed out")));
    assertEquals(
        "connection refused",
        GcsObjectStore.networkFailure(new java.net.ConnectException("Connection refused")));
    assertEquals("network error", GcsObjectStore.networkFailure(new java.io.IOException()));
  }

  @Test
  void permissionDeniedIsNotTransient() {
    responder = exchange -> send(exchange, 403, error(403, "forbidden"));
    IOException e = assertThrows(IOException.class, () -> store.stat("o"));
    assertFalse(e instanceof TransientStorageException, e.toString());
    assertTrue(e.getMessage().contains("403"), e.getMessage());
  }

  @Test
  void downloadWhoseCrc32cDiffersFromTheObjectsIsTransient() throws Exception {
    byte[] served = "corrupted in transit".getBytes(StandardCharsets.UTF_8);
    responder =
        exchange -> {
          if (exchange.getRequestURI().getQuery() != null
              && exchange.getRequestURI().getQuery().contains("alt=media")) {
            exchange.sendResponseHeaders(200, served.length);
            exchange.getResponseBody().write(served);
          } else {
            send(
                exchange,
                200,
                "{\"bucket\":\"bkt\",\"name\":\"o\",\"size\":\""
                    + served.length
                    + "\",\"generation\":\"5\",\"metageneration\":\"1\",\"crc32c\":\"mnG7TA==\"}");
          }
        };
    try (InputStream in = store.open("o", 5)) {
      TransientStorageException e = assertThrows(TransientStorageException.class, in::readAllBytes);
      assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
    }
    assertTrue(
        seen.stream()
            .anyMatch(s -> s.uri().contains("alt=media") && s.uri().contains("generation=5")),
        "the download names the pinned generation: " + seen);
  }
}
