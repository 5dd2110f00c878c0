package dev.scenegate.local;

import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.LocalEventPublisher;
import dev.scenegate.pipeline.MarkerConfig;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.SceneState;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.verify.VerifyBudget;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded default wired up: {@code DIR} as the bucket ({@link LocalObjectStore}), the Cloud
 * Function's {@link MarkerHandler} with its state under {@code DIR/_scenegate/state/}, and events
 * appended as JSON lines to {@code DIR/_scenegate/events.jsonl} and printed readably (plus any
 * extra publisher, e.g. Pub/Sub). Used by {@code scenegate local} and {@code scenegate demo}.
 */
public final class LocalMode implements AutoCloseable {
  /** Where events are appended, relative to the folder. */
  public static final String EVENTS_FILE = LocalRunner.OWN_FOLDER + "/events.jsonl";

  private final LocalObjectStore store;
  private final EventPublisher publisher;
  private final MarkerHandler handler;
  private final LocalRunner runner;
  private final Path eventsFile;
  private final MeterRegistry meters;

  private LocalMode(
      LocalObjectStore store,
      EventPublisher publisher,
      MarkerHandler handler,
      LocalRunner runner,
      Path eventsFile,
      MeterRegistry meters) {
    this.meters = meters;
    this.store = store;
    this.publisher = publisher;
    this.handler = handler;
    this.runner = runner;
    this.eventsFile = eventsFile;
  }

  /**
   * @param console readable events go here (null: none)
   * @param extra another publisher every event also goes to (Pub/Sub), or null
   */
  public static LocalMode open(
      Path dir,
      PrintStream console,
      MarkerConfig config,
      EventPublisher extra,
      LocalRunner.Options options,
      LocalRunner.Listener listener) {
    LocalObjectStore store = new LocalObjectStore(dir);
    Path eventsFile = store.root().resolve(EVENTS_FILE);
    List<EventPublisher> publishers = new ArrayList<>();
    if (extra != null) {
      // First: a Pub/Sub failure then stops the message before the file, so a retry does not
      // append the same event twice.
      publishers.add(extra);
    }
    publishers.add(new LocalEventPublisher(eventsFile, null, Clock.systemUTC()));
    if (console != null) {
      publishers.add(new ReadableEventPrinter(console)); // last: printed once confirmed
    }
    EventPublisher publisher = new FanOutPublisher(publishers);
    MeterRegistry meters = new SimpleMeterRegistry();
    MarkerHandler handler = new MarkerHandler(store, publisher, meters, config, Clock.systemUTC());
    LocalRunner runner = new LocalRunner(store, handler, options, listener);
    return new LocalMode(store, publisher, handler, runner, eventsFile, meters);
  }

  /**
   * The marker function's configuration from {@code env} (thresholds, verify threads), with the
   * folder as the only bucket and the state kept in it: {@code DATA_BUCKET}, {@code STATE_BUCKET}
   * and {@code STATE_PREFIX} do not apply. No function timeout bounds local mode: verification has
   * no budget unless {@code VERIFY_BUDGET} is given.
   *
   * @throws IllegalArgumentException when a variable is malformed
   */
  public static MarkerConfig config(Map<String, String> env) {
    Map<String, String> local = new HashMap<>(env);
    local.keySet().removeAll(Set.of("DATA_BUCKET", "STATE_BUCKET", "STATE_PREFIX"));
    return MarkerConfig.fromEnv(local).withVerifyBudget(VerifyBudget.givenInEnv(env));
  }

  public LocalObjectStore store() {
    return store;
  }

  public MarkerHandler handler() {
    return handler;
  }

  /** Where events and alerts go (events.jsonl, the console, Pub/Sub when asked for). */
  public EventPublisher publisher() {
    return publisher;
  }

  public MeterRegistry meters() {
    return meters;
  }

  public LocalRunner runner() {
    return runner;
  }

  public Path eventsFile() {
    return eventsFile;
  }

  /** The scene's state document, if it has one. */
  public Optional<SceneState> state(String sceneId) throws IOException {
    return handler.stateStore(store.bucket()).find(sceneId).map(SceneStateStore.Loaded::state);
  }

  @Override
  public void close() throws Exception {
    publisher.close();
  }
}
