package dev.scenegate.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.quality.CheckCriterion;
import dev.scenegate.quality.CheckReport;
import dev.scenegate.quality.QualityGates;
import dev.scenegate.quality.QualityThresholds;
import dev.scenegate.quality.RunbookCheck;
import dev.scenegate.scene.Stage;
import dev.scenegate.verify.Verifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table of config.json contents, read by both paths: the marker function's state machine and
 * {@code check}. DESIGN: {@code use_geniesim} accepts JSON booleans and the strings "true"/"false"
 * in any case; any other value makes the config invalid (reported by both), and the Genie Sim
 * stages are then required.
 */
class SceneConfigTableTest {
  @TempDir Path dir;

  /** config.json content (null: absent), whether Genie Sim is skipped, whether it is valid. */
  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(null, false, true),
        Arguments.of("{}", false, true),
        Arguments.of("{\"use_geniesim\": null}", false, true),
        Arguments.of("{\"use_geniesim\": true}", false, true),
        Arguments.of("{\"use_geniesim\": false}", true, true),
        Arguments.of("{\"use_geniesim\": \"false\"}", true, true),
        Arguments.of("{\"use_geniesim\": \"FALSE\"}", true, true),
        Arguments.of("{\"use_geniesim\": \"False\"}", true, true),
        Arguments.of("{\"use_geniesim\": \"True\"}", false, true),
        Arguments.of("{\"use_geniesim\": \"no\"}", false, false),
        Arguments.of("{\"use_geniesim\": \" false\"}", false, false),
        Arguments.of("{\"use_geniesim\": 0}", false, false),
        Arguments.of("{\"use_geniesim\": [false]}", false, false),
        Arguments.of("{\"use_geniesim\": false, \"use_geniesim\": true}", false, false),
        Arguments.of("{\"use_geniesim\": false} {}", false, false),
        Arguments.of("[false]", false, false),
        Arguments.of("use_geniesim: false", false, false));
  }

  @ParameterizedTest
  @MethodSource("table")
  void theMarkerFunctionAndCheckAgree(String config, boolean skipped, boolean valid)
      throws Exception {
    HandlerHarness h = new HandlerHarness(dir, "config_table");
    h.scene.writeAllPassing();
    if (config != null) {
      h.scene.put("config.json", config.getBytes(StandardCharsets.UTF_8));
    }

    // The marker function.
    for (Trigger t : h.scene.allMarkers()) {
      h.deliver(t);
    }
    SceneState state = h.state();
    StageStatus geniesim = skipped ? StageStatus.SKIPPED : StageStatus.PASSED;
    assertEquals(geniesim, state.stage(Stage.GENIESIM_EXPORT).status(), config);
    assertEquals(geniesim, state.stage(Stage.GENIESIM_IMPORT).status(), config);
    assertEquals(Verdict.PASSED, state.verdict(), config);
    assertEquals(valid, state.config().valid(), config);
    List<JsonNode> exportEvents = h.publisher.stageEvents(Stage.GENIESIM_EXPORT.wireName());
    JsonNode last = exportEvents.get(exportEvents.size() - 1);
    assertEquals(
        !valid, last.path("details").has("config_problem"), "the event reports it: " + config);

    // check.
    CheckReport report =
        new RunbookCheck(
                new QualityGates(h.scene.store(), QualityThresholds.defaults()),
                new Verifier(h.scene.store(), 1, new SimpleMeterRegistry()))
            .run("config_table");
    List<CheckCriterion> geniesimRows =
        report.criteria().stream().filter(c -> c.stage().startsWith("geniesim_")).toList();
    assertTrue(
        geniesimRows.stream()
            .allMatch(
                c ->
                    c.status()
                        == (skipped ? CheckCriterion.Status.SKIP : CheckCriterion.Status.PASS)),
        config + ": " + geniesimRows);
    List<CheckCriterion> failed = report.failed();
    assertEquals(valid ? 0 : 1, failed.size(), config + ": " + failed);
    if (!valid) {
      assertEquals("config.json readable", failed.get(0).criterion());
    }
  }
}
