package dev.scenegate.fleet;

import dev.scenegate.cli.CliException;
import dev.scenegate.cli.Console;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.cli.Main;
import dev.scenegate.cli.StopSignals;
import dev.scenegate.pipeline.Verdict;
import java.io.IOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code scenegate board}: serves the fleet on 127.0.0.1 until Ctrl-C, or writes one snapshot page
 * with {@code --html}. The logic, apart from parsing arguments ({@link BoardCommand}).
 */
public final class Board {
  public static final int DEFAULT_PORT = 8790;

  /** How often an open page asks whether the fleet changed. */
  static final int POLL_MILLIS = 5000;

  /** What the command was asked: the store, the state prefix, the port, or a snapshot file. */
  public record Options(String bucket, String dir, String statePrefix, Integer port, Path html) {}

  private Board() {}

  public static int run(Options options, Console console) throws CliException {
    if (options.html() != null && options.port() != null) {
      throw CliException.usage("give --port (serve) or --html FILE (write a snapshot), not both");
    }
    try (FleetReader reader =
        FleetSource.open(options.bucket(), options.dir(), options.statePrefix(), console)) {
      String source = FleetSource.describe(reader);
      if (options.html() != null) {
        return snapshot(reader, source, options.html(), console);
      }
      return serve(reader, source, options.port() == null ? DEFAULT_PORT : options.port(), console);
    }
  }

  /** Writes the snapshot page to {@code file} (whole or not at all). */
  static int snapshot(FleetReader reader, String source, Path file, Console console)
      throws CliException {
    Path target = file.toAbsolutePath();
    Path folder = target.getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw CliException.usage("--html " + file + ": no such folder " + folder);
    }
    String page;
    try {
      FleetView view = reader.read();
      List<String> worthALook = new ArrayList<>();
      for (SceneSummary scene : view.scenes()) {
        if (!scene.isUnreadable()
            && (scene.verdict() == Verdict.FAILED
                || scene.verdict() == Verdict.RUNNING
                || !scene.stale().isEmpty())) {
          worthALook.add(scene.sceneId());
        }
      }
      FleetReader.Details details = reader.scenes(worthALook);
      page =
          BoardPage.snapshot(
              view,
              details.found(),
              details.problems(),
              new BoardPage.Context(BoardPage.Mode.SNAPSHOT, source, reader.deadlines(), "", 0));
    } catch (IOException | RuntimeException e) {
      throw new CliException(
          ExitCodes.BAD_INPUT,
          "STORAGE_ERROR",
          "cannot list the scene states at " + source + ": " + Main.describe(e));
    }
    try {
      Path tmp = Files.createTempFile(folder, ".scenegate-board-", ".html.tmp");
      try {
        Files.writeString(tmp, page, StandardCharsets.UTF_8);
        try {
          Files.move(
              tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.BAD_INPUT, "WRITE_FAILED", "cannot write " + file + ": " + Main.describe(e));
    }
    console
        .out()
        .println("scenegate board: wrote " + target + " (" + page.length() / 1024 + " KiB)");
    return ExitCodes.OK;
  }

  private static int serve(FleetReader reader, String source, int port, Console console)
      throws CliException {
    BoardServer server;
    try {
      server = BoardServer.start(reader, source, port, POLL_MILLIS, Clock.systemUTC());
    } catch (BindException e) {
      throw CliException.usage(
          "cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + "); choose --port");
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.BAD_INPUT, "BIND_FAILED", "cannot start the server: " + Main.describe(e));
    }
    try (server) {
      try {
        server.warmUp();
      } catch (IOException | RuntimeException e) {
        throw new CliException(
            ExitCodes.BAD_INPUT,
            "STORAGE_ERROR",
            "cannot list the scene states at " + source + ": " + Main.describe(e));
      }
      awaitStop(server, source, console);
    }
    return ExitCodes.OK;
  }

  /** Serves until Ctrl-C or SIGTERM: a stop the user asks for, so a clean one with exit 0. */
  private static void awaitStop(BoardServer server, String source, Console console) {
    CountDownLatch stop = new CountDownLatch(1);
    try (StopSignals signals = StopSignals.install(stop::countDown)) {
      console
          .out()
          .println(
              "scenegate board: "
                  + server.url()
                  + "  (scene states at "
                  + source
                  + "; read-only; Ctrl-C stops)");
      console.out().flush();
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server.close();
      console.out().println("scenegate board: stopped");
      console.out().flush();
    }
  }
}
