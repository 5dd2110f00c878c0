package dev.scenegate.sweep;

import dev.scenegate.events.EventPublisher;
import dev.scenegate.fleet.Deadlines;
import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.storage.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Local mode's sweep: the same steps as {@code scenegate sweep} ({@link SweepSteps}), run once at
 * start-up ({@link #runNow}) and then every interval on a daemon thread until closed. Closing asks
 * a sweep in progress to stop after the scene in hand and waits for it.
 */
public final class PeriodicSweep implements AutoCloseable {
  private static final JsonLog LOG = JsonLog.get(PeriodicSweep.class);

  /** Local mode's default interval between sweeps. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

  private final Sweep sweep;
  private final Consumer<Sweep.Result> onResult;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private ScheduledExecutorService scheduler;

  private PeriodicSweep(Sweep sweep, Consumer<Sweep.Result> onResult) {
    this.sweep = sweep;
    this.onResult = onResult;
  }

  /** The standard steps over a store and the handler that runs its markers. */
  public static PeriodicSweep of(
      ObjectStore data,
      MarkerHandler handler,
      EventPublisher alerts,
      MeterRegistry registry,
      Deadlines deadlines,
      DigestLedger ledger,
      Consumer<Sweep.Result> onResult) {
    SweepMeters meters = SweepMeters.boundTo(registry);
    Clock clock = Clock.systemUTC();
    return new PeriodicSweep(
        new Sweep(
            SweepSteps.standard(data, handler, alerts, registry, meters, clock, deadlines, ledger),
            meters,
            clock),
        onResult);
  }

  /**
   * {@code --sweep-interval}: an ISO-8601 duration (PT5M, PT30S), or {@code off}; null when off.
   *
   * @throws IllegalArgumentException when it is neither
   */
  public static Duration parseInterval(String given) {
    if (given == null) {
      return DEFAULT_INTERVAL;
    }
    if (given.strip().toLowerCase(Locale.ROOT).equals("off")) {
      return null;
    }
    try {
      Duration interval = Duration.parse(given.strip().toUpperCase(Locale.ROOT));
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("--sweep-interval must be positive, got " + given);
      }
      return interval;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--sweep-interval must be an ISO-8601 duration such as PT5M, or off; got " + given);
    }
  }

  /** One sweep now, on the caller's thread; a failure to start is logged, not thrown. */
  public void runNow() {
    try {
      Sweep.Result result = sweep.run(stopping::get);
      onResult.accept(result);
    } catch (Exception e) {
      LOG.warn("sweep failed; the next one tries again", "error", String.valueOf(e.getMessage()));
    }
  }

  /** Sweeps every {@code interval} from now on, until closed. */
  public synchronized void every(Duration interval) {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "scenegate-sweep");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(
        this::runNow, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Asks a sweep in progress to stop after its scene in hand. */
  public void stop() {
    stopping.set(true);
  }

  @Override
  public synchronized void close() throws InterruptedException {
    stop();
    if (scheduler != null) {
      scheduler.shutdown();
      scheduler.awaitTermination(30, TimeUnit.SECONDS);
    }
  }
}
