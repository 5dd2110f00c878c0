package dev.scenegate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.events.EventPublisher;
import dev.scenegate.scene.SceneIds;
import dev.scenegate.storage.ObjectStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MarkerRouteTest {

  @ParameterizedTest
  @CsvSource({
    "scenes/kitchen_001/source_checksums.json, kitchen_001, source_image, false",
    "scenes/kitchen_001/assets/.regen3d_complete, kitchen_001, regen3d, false",
    "scenes/k/variation_assets/.variation_pipeline_complete, k, variation_assets, false",
    "scenes/k.v2/usd/.usd_complete, k.v2, usd, false",
    "scenes/K-9/geniesim/.geniesim_submitted, K-9, geniesim_export, true",
    "scenes/K-9/geniesim/.geniesim_complete, K-9, geniesim_export, false",
    "scenes/0/episodes/.episodes_complete, 0, episodes, false",
    "scenes/a_b/geniesim/.geniesim_import_complete, a_b, geniesim_import, false",
    "scenes/a_b/dwm/.dwm_complete, a_b, dwm, false",
  })
  void markersRouteToTheirStage(String object, String scene, String stage, boolean submitted) {
    MarkerRoute route = MarkerRoute.parse(object).orElseThrow();
    assertEquals(scene, route.sceneId());
    assertEquals(stage, route.stage().wireName());
    assertEquals(object, route.object());
    assertEquals(submitted, route.submitted());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "scenes/kitchen_001/assets/obj_1/asset.glb",
        "scenes/kitchen_001/assets/source_checksums.json",
        "scenes/kitchen_001/config.json",
        "scenes/kitchen_001/.failed",
        "scenes/kitchen_001/assets/.failed",
        "scenes/kitchen_001/geniesim/.failed",
        "scenes/kitchen_001/episodes/quality/validation_report.json",
        "_scenegate/state/kitchen_001.json",
        "_scenegate/objmeta/scenes/kitchen_001/usd/.usd_complete.json",
        "scenes/-kitchen/usd/.usd_complete",
        "scenes/.hidden/usd/.usd_complete",
        "scenes//usd/.usd_complete",
        "scenes/a b/usd/.usd_complete",
        "scenes/k/nested/usd/.usd_complete",
        "scenes/k/usd/.usd_complete.tmp",
        "scenes/k/USD/.usd_complete",
        "scenes/k/usd/.usd_complete/",
        "scenes/k",
        "scenes/",
        "other/k/usd/.usd_complete",
        "k/usd/.usd_complete",
        "/scenes/k/usd/.usd_complete",
        "scenes/k/../k/usd/.usd_complete",
        "scenes/k\u0000/usd/.usd_complete",
        "scenes/kitchen\u00e9/usd/.usd_complete",
        ""
      })
  void everythingElseIsDismissed(String object) {
    assertTrue(MarkerRoute.parse(object).isEmpty(), object);
  }

  @Test
  void sceneIdLengthIsBounded() {
    String ok = "a".repeat(128);
    String tooLong = "a".repeat(129);
    assertTrue(MarkerRoute.parse("scenes/" + ok + "/usd/.usd_complete").isPresent());
    assertTrue(MarkerRoute.parse("scenes/" + tooLong + "/usd/.usd_complete").isEmpty());
    assertFalse(SceneIds.isValid(null));
  }

  @Test
  void markersOfAnotherBucketThanDataBucketAreDismissed() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    MarkerHandler handler =
        new MarkerHandler(
            bucket -> {
              calls.incrementAndGet();
              throw new AssertionError("store for " + bucket);
            },
            m -> {
              throw new AssertionError("publish");
            },
            new SimpleMeterRegistry(),
            MarkerConfig.fromEnv(java.util.Map.of("DATA_BUCKET", "pipeline-data")),
            Clock.systemUTC());
    assertEquals(
        MarkerHandler.DeliveryOutcome.DISMISSED,
        handler.handle(Trigger.of("elsewhere", "scenes/k/usd/.usd_complete", 5)).outcome());
    assertEquals(0, calls.get());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "scenes/kitchen_001/assets/obj_1/asset.glb",
        "scenes/kitchen_001/geniesim/.failed",
        "_scenegate/state/kitchen_001.json",
        "scenes/bad id/usd/.usd_complete",
        "scenes/kitchen_001/config.json"
      })
  void dismissalMakesNoStorageOrPublishCall(String object) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ObjectStore failing =
        (ObjectStore)
            Proxy.newProxyInstance(
                ObjectStore.class.getClassLoader(),
                new Class<?>[] {ObjectStore.class},
                (proxy, method, args) -> {
                  calls.incrementAndGet();
                  throw new AssertionError("storage call " + method.getName());
                });
    EventPublisher publisher =
        m -> {
          calls.incrementAndGet();
          throw new AssertionError("publish");
        };
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    MarkerHandler handler =
        new MarkerHandler(
            bucket -> {
              calls.incrementAndGet();
              return failing;
            },
            publisher,
            meters,
            MarkerConfig.defaults(),
            Clock.systemUTC());
    MarkerHandler.Result result = handler.handle(Trigger.of("bucket", object, 17));
    assertEquals(MarkerHandler.DeliveryOutcome.DISMISSED, result.outcome());
    assertEquals(0, calls.get());
    assertEquals(
        1.0, meters.get("scenegate.marker.events").tag("outcome", "dismissed").counter().count());
  }
}
