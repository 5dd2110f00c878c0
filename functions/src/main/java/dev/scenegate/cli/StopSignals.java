package dev.scenegate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A stop the user asks for in an interactive command (DESIGN "Signals"): Ctrl-C (SIGINT) or SIGTERM
 * runs {@code onStop} once, and the command ends its work cleanly and exits 0 itself, instead of
 * the JVM's exit 130/143 in the middle of it. A second signal gives up waiting: exit 130. Closing
 * restores the previous handlers (tests run commands in-process).
 */
public final class StopSignals implements AutoCloseable {
  private static final List<String> SIGNALS = List.of("INT", "TERM");
  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private final AtomicBoolean stopping = new AtomicBoolean();

  private StopSignals(Runnable onStop) {
    SignalHandler handler =
        signal -> {
          if (!stopping.compareAndSet(false, true)) {
            Runtime.getRuntime().halt(128 + signal.getNumber());
          }
          onStop.run();
        };
    for (String name : SIGNALS) {
      try {
        Signal signal = new Signal(name);
        previous.add(Signal.handle(signal, handler));
        signals.add(signal);
      } catch (IllegalArgumentException e) {
        // Not on this platform, or reserved by the JVM (-Xrs): the default behaviour stays.
      }
    }
  }

  /** Installs the handlers; {@code onStop} runs on the signal's thread and must not block long. */
  public static StopSignals install(Runnable onStop) {
    return new StopSignals(onStop);
  }

  /** Whether a stop was asked for. */
  public boolean stopping() {
    return stopping.get();
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
