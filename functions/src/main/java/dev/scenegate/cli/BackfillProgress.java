package dev.scenegate.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.backfill.Artifact;
import dev.scenegate.backfill.BackfillListener;
import dev.scenegate.events.EventJson;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows a backfill's progress: a {@link Progress} bar on a terminal, otherwise one JSON line at
 * INFO on stderr every {@code interval} (what Cloud Logging shows for a Cloud Run Job task), with
 * files, bytes, rate and ETA.
 */
final class BackfillProgress implements BackfillListener, AutoCloseable {
  private final PrintStream err;
  private final boolean terminal;
  private final Duration interval;
  private final AtomicLong files = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final long started = System.nanoTime();
  private volatile long totalFiles;
  private volatile long totalBytes;
  private volatile Progress bar;
  private volatile Thread ticker;

  private BackfillProgress(PrintStream err, boolean terminal, Duration interval) {
    this.err = err;
    this.terminal = terminal;
    this.interval = interval;
  }

  /** A bar on a terminal. */
  static BackfillProgress bar(PrintStream err) {
    return new BackfillProgress(err, true, Duration.ZERO);
  }

  /** A plain line every {@code interval}. */
  static BackfillProgress lines(PrintStream err, Duration interval) {
    return new BackfillProgress(err, false, interval);
  }

  @Override
  public void planned(long objects, long filesToHash, long bytesToHash) {
    totalFiles = objects;
    totalBytes = bytesToHash;
    if (terminal) {
      bar = Progress.start(err, "backfill", bytesToHash, objects);
    } else {
      Thread t = new Thread(this::tick, "scenegate-backfill-progress");
      t.setDaemon(true);
      ticker = t;
      t.start();
    }
  }

  @Override
  public void hashed(long n) {
    bytes.addAndGet(n);
    Progress p = bar;
    if (p != null) {
      p.add(n);
    }
  }

  @Override
  public void finished(Artifact artifact, String outcome) {
    files.incrementAndGet();
    Progress p = bar;
    if (p != null) {
      p.fileDone();
    }
  }

  private void tick() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      err.println(line());
      err.flush();
    }
  }

  /** One progress line: JSON that Cloud Logging reads, with a readable message. */
  String line() {
    long doneBytes = bytes.get();
    long doneFiles = files.get();
    double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    double rate = doneBytes / seconds;
    long remaining = Math.max(0, totalBytes - doneBytes);
    Long eta = rate > 0 ? Math.round(remaining / rate) : null;
    ObjectNode node = EventJson.MAPPER.createObjectNode();
    node.put("severity", "INFO");
    node.put(
        "message",
        String.format(
            "backfill progress: %d/%d files, %s of %s hashed, %s/s, eta %s",
            doneFiles,
            totalFiles,
            Progress.bytes(doneBytes),
            Progress.bytes(totalBytes),
            Progress.bytes((long) rate),
            eta == null ? "-" : eta + "s"));
    node.put("time", Instant.now().toString());
    node.put("logger", "BackfillCommand");
    node.put("files_done", doneFiles);
    node.put("files_total", totalFiles);
    node.put("bytes_hashed", doneBytes);
    node.put("bytes_total", totalBytes);
    node.put("rate_bytes_per_second", Math.round(rate));
    if (eta == null) {
      node.putNull("eta_seconds");
    } else {
      node.put("eta_seconds", eta);
    }
    return node.toString();
  }

  @Override
  public void close() {
    Progress p = bar;
    if (p != null) {
      p.stop();
    }
    Thread t = ticker;
    if (t != null) {
      t.interrupt();
    }
  }
}
