package dev.scenegate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.Precondition;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance audit of the marker handler against DESIGN's bucket layout, event schemas and delivery
 * rules, with hostile and out-of-order input.
 */
class PipelineAuditTest {
  @TempDir Path dir;

  @Test
  void aStateDocumentOfAnotherSceneIsSetAsideNotWrittenForever() throws Exception {
    LocalObjectStore local = new LocalObjectStore(dir);
    HandlerHarness h = new HandlerHarness(local, "bedroom_2", Map.of("VERIFY_THREADS", "1"));
    SceneFixture other = new SceneFixture(local, "kitchen_1").writeAllPassing();
    h.scene.writeAllPassing();
    h.deliver(other.marker("usd/.usd_complete"));
    // An operator copies (or renames) one scene's state document onto another's name.
    ObjectInfo copied = local.stat("_scenegate/state/kitchen_1.json").orElseThrow();
    byte[] kitchen = local.readSmall(copied.name(), copied.generation(), 1 << 20);
    local.write(
        "_scenegate/state/bedroom_2.json",
        kitchen,
        "application/json",
        Map.of(),
        Precondition.none());

    assertEquals(MarkerHandler.Outcome.PROCESSED, h.deliver("usd/.usd_complete").outcome());
    assertEquals("bedroom_2", h.state().sceneId());
    assertEquals(StageStatus.PASSED, h.status(Stage.USD));
    assertEquals(0.0, h.counter("scenegate.state.conflicts"), "no compare-and-set storm");
    ObjectInfo after = local.stat("_scenegate/state/kitchen_1.json").orElseThrow();
    assertEquals(copied.generation(), after.generation(), "the other scene's state is untouched");
    assertTrue(
        local.list("_scenegate/state/").stream()
            .anyMatch(o -> o.name().startsWith("_scenegate/state/bedroom_2.corrupt-")),
        "the foreign document is kept for inspection");
  }
}
