package dev.scenegate.pipeline;

import dev.scenegate.scene.Stage;
import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.testing.RecordingPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** A marker handler on a local folder bucket with an in-memory publisher, for unit tests. */
final class HandlerHarness {
  final LocalObjectStore store;
  final RecordingPublisher publisher = new RecordingPublisher();
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  final MarkerHandler handler;
  final SceneFixture scene;

  HandlerHarness(Path root, String sceneId) {
    this(new LocalObjectStore(root), sceneId, Map.of("VERIFY_THREADS", "2"));
  }

  HandlerHarness(ObjectStore store, String sceneId, Map<String, String> env) {
    this.store = store instanceof LocalObjectStore local ? local : null;
    this.handler =
        new MarkerHandler(store, publisher, meters, MarkerConfig.fromEnv(env), Clock.systemUTC());
    this.scene = new SceneFixture(store, sceneId);
  }

  MarkerHandler.Result deliver(Trigger trigger) throws IOException {
    return handler.handle(trigger);
  }

  MarkerHandler.Result deliver(String relativeMarker) throws IOException {
    return handler.handle(scene.marker(relativeMarker));
  }

  SceneState state() throws IOException {
    return handler
        .stateStore(scene.store().bucket())
        .find(scene.sceneId())
        .orElseThrow(() -> new AssertionError("no state for " + scene.sceneId()))
        .state();
  }

  StageStatus status(Stage stage) throws IOException {
    return state().stage(stage).status();
  }

  double counter(String name, String... tags) {
    var search = meters.find(name).tags(tags);
    return search.counter() == null ? 0 : search.counter().count();
  }
}
