package dev.scenegate.functions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listening port that counts every connection made to it and answers none: point a client's
 * endpoint here and {@link #connections()} says whether it touched the network.
 */
final class Tripwire implements AutoCloseable {
  private final ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();
  private final Thread acceptor;

  private Tripwire(ServerSocket server) {
    this.server = server;
    this.acceptor = new Thread(this::acceptAll, "tripwire-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static Tripwire open() throws IOException {
    return new Tripwire(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
  }

  private void acceptAll() {
    while (!server.isClosed()) {
      try (Socket socket = server.accept()) {
        connections.incrementAndGet();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** {@code 127.0.0.1:port}, as PUBSUB_EMULATOR_HOST takes it. */
  String hostPort() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** {@code http://127.0.0.1:port}, as STORAGE_EMULATOR_HOST takes it. */
  String url() {
    return "http://" + hostPort();
  }

  int connections() {
    return connections.get();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
