package dev.scenegate.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scenegate.pipeline.Trigger;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The deployed jar on the Functions Framework invoker, with every cloud endpoint pointing at a port
 * that counts connections: dismissed, ignored and undecodable events are answered 2xx and the
 * function connects nowhere.
 */
class MarkerFunctionOfflineIT {

  @Test
  void aColdInstanceAnswersEventsThatNeedNoClientWithoutTouchingTheNetwork() throws Exception {
    try (Tripwire tripwire = Tripwire.open()) {
      Map<String, String> env = new HashMap<>(MarkerFunctionOfflineTest.env(tripwire));
      env.remove("SCENEGATE_METRICS_INTERVAL"); // as deployed: meters logged every minute
      try (FunctionInvoker function = FunctionInvoker.start(MarkerFunction.class, env)) {
        HttpResponse<String> dismissed =
            function.postStructured(
                CloudEvents.structuredFinalized(
                    Trigger.of("pipeline", "scenes/s1/assets/obj_1/asset.glb", 7)));
        HttpResponse<String> undecodable =
            function.postBinary(
                "u1", StorageEvents.FINALIZED, "//storage.googleapis.com/x", null, "[1,2]");
        HttpResponse<String> ignored =
            function.postBinary(
                "i1",
                "google.cloud.storage.object.v1.deleted",
                "//storage.googleapis.com/x",
                null,
                MarkerFunctionOfflineTest.ASSET);

        assertEquals(200, dismissed.statusCode(), function.logTail());
        assertEquals(200, undecodable.statusCode(), function.logTail());
        assertEquals(200, ignored.statusCode(), function.logTail());
        assertEquals(0, tripwire.connections(), function.logTail());
      }
    }
  }
}
