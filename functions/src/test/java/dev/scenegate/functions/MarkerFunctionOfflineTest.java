package dev.scenegate.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A cold instance whose cloud endpoints lead nowhere still answers every event that needs no
 * client: no client is built, no connection is made.
 */
class MarkerFunctionOfflineTest {

  static final String ASSET =
      "{\"bucket\":\"pipeline\",\"name\":\"scenes/s1/assets/obj_1/asset.glb\",\"generation\":\"7\"}";

  static Map<String, String> env(Tripwire tripwire) {
    return Map.of(
        "STORAGE_EMULATOR_HOST",
        tripwire.url(),
        "PUBSUB_EMULATOR_HOST",
        tripwire.hostPort(),
        "GOOGLE_CLOUD_PROJECT",
        "offline-project",
        "SCENEGATE_METRICS_INTERVAL",
        "off");
  }

  @Test
  void dismissedIgnoredAndUndecodableEventsBuildNoClientAndTouchNoNetwork() throws Exception {
    try (Tripwire tripwire = Tripwire.open()) {
      MarkerFunction function = new MarkerFunction(env(tripwire));

      function.accept(TestCloudEvent.of(StorageEvents.FINALIZED, ASSET));
      function.accept(TestCloudEvent.of(StorageEvents.FINALIZED, "not json"));
      function.accept(TestCloudEvent.of(StorageEvents.FINALIZED, null));
      function.accept(TestCloudEvent.of("google.cloud.storage.object.v1.deleted", ASSET));
      function.accept(
          TestCloudEvent.of(
              StorageEvents.FINALIZED,
              "{\"bucket\":\"pipeline\",\"name\":\"scenes/bad id!/usd/.usd_complete\","
                  + "\"generation\":\"1\"}"));

      assertFalse(function.cloudClientsBuilt());
      assertEquals(0, tripwire.connections());
    }
  }

  @Test
  void eventsOfAnotherBucketAreDismissedWithoutAClient() throws Exception {
    try (Tripwire tripwire = Tripwire.open()) {
      Map<String, String> env = new java.util.HashMap<>(env(tripwire));
      env.put("DATA_BUCKET", "the-pipeline");
      MarkerFunction function = new MarkerFunction(env);

      function.accept(
          TestCloudEvent.of(
              StorageEvents.FINALIZED,
              "{\"bucket\":\"elsewhere\",\"name\":\"scenes/s1/usd/.usd_complete\","
                  + "\"generation\":\"3\"}"));

      assertFalse(function.cloudClientsBuilt());
      assertEquals(0, tripwire.connections());
    }
  }

  @Test
  void markersInFlightAreBoundedByTheHeapUnlessConfigured() {
    long mib = 1L << 20;
    assertEquals(1, MarkerFunction.markerSlots(Map.of(), 256 * mib));
    assertEquals(4, MarkerFunction.markerSlots(Map.of(), 768 * mib));
    assertEquals(1, MarkerFunction.markerSlots(Map.of(), 16 * mib));
    assertEquals(64, MarkerFunction.markerSlots(Map.of(), 1L << 40));
    assertEquals(9, MarkerFunction.markerSlots(Map.of("MAX_CONCURRENT_MARKERS", " 9 "), 256 * mib));
    for (String bad : new String[] {"0", "-2", "many"}) {
      assertThrows(
          IllegalArgumentException.class,
          () -> MarkerFunction.markerSlots(Map.of("MAX_CONCURRENT_MARKERS", bad), 256 * mib),
          bad);
    }
  }
}
