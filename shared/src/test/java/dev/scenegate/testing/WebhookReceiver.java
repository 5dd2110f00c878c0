package dev.scenegate.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP peer for webhook tests: {@link HttpServer} on 127.0.0.1 and a free port. Answers
 * scripted responses in order ({@link #respond}), then the default (200); records every request
 * with its headers and exact body bytes. {@link Reply#hang()} holds the response until the test
 * ends, which makes the client time out.
 */
public final class WebhookReceiver implements AutoCloseable {

  /** One recorded request. Header names are case-insensitive. */
  public record Request(String method, String path, Map<String, String> headers, byte[] body) {
    public String header(String name) {
      return headers.get(name);
    }

    public String bodyText() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /**
   * A scripted answer: a status with optional headers and body, possibly held until {@code gate}
   * opens; or no answer at all ({@link #hang()}).
   */
  public record Reply(
      int status, Map<String, String> headers, String body, boolean noAnswer, CountDownLatch gate) {
    public static Reply status(int status) {
      return new Reply(status, Map.of(), "", false, null);
    }

    public static Reply status(int status, String body) {
      return new Reply(status, Map.of(), body, false, null);
    }

    public static Reply withHeader(int status, String name, String value) {
      return new Reply(status, Map.of(name, value), "", false, null);
    }

    /** Never answers; the connection is dropped when the receiver closes. */
    public static Reply hang() {
      return new Reply(0, Map.of(), "", true, null);
    }

    /** Answers {@code status} once {@code gate} is counted down. */
    public static Reply after(CountDownLatch gate, int status) {
      return new Reply(status, Map.of(), "", false, gate);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
  private final List<Request> requests = new ArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile Reply fallback = Reply.status(200);
  private final Map<String, ConcurrentLinkedQueue<Reply>> pathScripts =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Reply> pathFallbacks = new java.util.concurrent.ConcurrentHashMap<>();

  public WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** A URL on this receiver; {@code path} starts with '/'. */
  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Queues replies for the next requests, in order. */
  public WebhookReceiver respond(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /** Queues replies for the next requests to {@code path}, in order (before the shared script). */
  public WebhookReceiver respondAt(String path, Reply... replies) {
    pathScripts.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).addAll(List.of(replies));
    return this;
  }

  /** The reply for {@code path} once its script is used up. */
  public WebhookReceiver otherwiseAt(String path, Reply reply) {
    pathFallbacks.put(path, reply);
    return this;
  }

  /** The reply once the script is used up (200 unless changed). */
  public WebhookReceiver otherwise(Reply reply) {
    fallback = reply;
    return this;
  }

  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public List<Request> requests(String path) {
    return requests().stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Waits (polling, generous deadline) until at least {@code count} requests arrived. */
  public List<Request> awaitRequests(int count, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    synchronized (requests) {
      while (requests.size() < count) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "expected "
                  + count
                  + " webhook requests within "
                  + deadline
                  + ", got "
                  + requests.size());
        }
        TimeUnit.NANOSECONDS.timedWait(requests, left);
      }
      return List.copyOf(requests);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.isEmpty() ? "" : v.get(0)));
    String path = exchange.getRequestURI().getPath();
    ConcurrentLinkedQueue<Reply> forPath = pathScripts.get(path);
    Reply reply = forPath == null ? null : forPath.poll();
    if (reply == null) {
      reply = script.poll();
    }
    if (reply == null) {
      reply = pathFallbacks.getOrDefault(path, fallback);
    }
    synchronized (requests) {
      requests.add(
          new Request(
              exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body));
      requests.notifyAll();
    }
    if (reply.gate() != null) {
      try {
        reply.gate().await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (reply.noAnswer()) {
      try {
        released.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
      return;
    }
    byte[] out = reply.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(out);
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
