package dev.scenegate.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-line progress display on a terminal: bytes done of total, rate, ETA, and files done of
 * total when a file count is given.
 */
public final class Progress {
  private final PrintStream err;
  private final String label;
  private final long total;
  private final long totalFiles;
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong files = new AtomicLong();
  private final long started = System.nanoTime();
  private final Thread ticker;
  private volatile boolean running = true;

  private Progress(PrintStream err, String label, long total, long totalFiles) {
    this.err = err;
    this.label = label;
    this.total = total;
    this.totalFiles = totalFiles;
    this.ticker = new Thread(this::tick, "scenegate-progress");
    this.ticker.setDaemon(true);
  }

  public static Progress start(PrintStream err, String label, long total) {
    return start(err, label, total, 0);
  }

  /** Also counts files: {@link #fileDone()} once per file, shown as "files a/b". */
  public static Progress start(PrintStream err, String label, long total, long totalFiles) {
    Progress progress = new Progress(err, label, total, totalFiles);
    progress.ticker.start();
    return progress;
  }

  public void add(long bytes) {
    done.addAndGet(bytes);
  }

  public void fileDone() {
    files.incrementAndGet();
  }

  public void stop() {
    running = false;
    ticker.interrupt();
    try {
      ticker.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    err.print("\r\033[K");
    err.flush();
  }

  /** Stopped from outside (Ctrl-C): the line as it stands stays, ended by a line break. */
  public void interrupted() {
    running = false;
    ticker.interrupt();
    err.println();
    err.flush();
  }

  private void tick() {
    while (running) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
      long bytes = done.get();
      double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
      double rate = bytes / seconds;
      String eta = rate > 0 && total > bytes ? String.format("%.0fs", (total - bytes) / rate) : "-";
      String count = totalFiles > 0 ? String.format("files %d/%d  ", files.get(), totalFiles) : "";
      err.printf(
          "\r\033[K%s %s%s / %s  %s/s  eta %s",
          label, count, bytes(bytes), bytes(total), bytes((long) rate), eta);
      err.flush();
    }
  }

  /** Human-readable byte count. */
  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = n;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format("%.1f %s", value, units[unit]);
  }
}
