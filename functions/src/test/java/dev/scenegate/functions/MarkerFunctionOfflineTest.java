package dev.scenegate.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
}
