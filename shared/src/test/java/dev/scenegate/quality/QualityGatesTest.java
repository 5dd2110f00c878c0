package dev.scenegate.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.TransientStorageException;
import dev.scenegate.testing.ForwardingObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QualityGatesTest {
  private static final String SCENE = "kitchen_001";
  private static final String PREFIX = "scenes/" + SCENE + "/";
  private static final String VALIDATION = PREFIX + "episodes/quality/validation_report.json";
  private static final String GATE = PREFIX + "episode-generation-job/quality_gate_report.json";
  private static final String IMPORT = PREFIX + "episodes/import_manifest.json";
  private static final String JOB = PREFIX + "geniesim/job.json";
  private static final String EXPORT = PREFIX + "geniesim/export_manifest.json";

  @TempDir Path root;

  private QualityGates gates() {
    return new QualityGates(new LocalObjectStore(root), QualityThresholds.defaults());
  }

  private void put(String object, String json) throws IOException {
    Path file = root.resolve(object);
    Files.createDirectories(file.getParent());
    Files.writeString(file, json, StandardCharsets.UTF_8);
  }

  private static String validation(
      String passRate, String averageScore, String physxUsed, String nonPhysx) {
    return """
        { "scene_id": "kitchen_001",
          "summary": { "total_episodes": 100, "pass_rate": %s, "average_score": %s },
          "physics_validation": { "physx_used": %s, "non_physx_episode_count": %s,
                                  "backend": "physx" } }
        """
        .formatted(passRate, averageScore, physxUsed, nonPhysx);
  }

  private static String gateReport(String canProceed, String blocking) {
    return """
        { "scene_id": "kitchen_001", "timestamp": "2024-05-08T12:34:56Z",
          "summary": { "total_gates": 12, "passed": 12, "failed": 0,
                       "blocking_failures": %s, "can_proceed": %s },
          "results": [ { "gate_id": "QG-EPISODES-GENERATED", "passed": true, "severity": "error" } ] }
        """
        .formatted(blocking, canProceed);
  }

  private static String certificate(String validationPassed, String recommendedUse) {
    return """
        { "episode_id": "episode_000001", "scene_id": "kitchen_001",
          "validation_passed": %s, "recommended_use": %s, "overall_quality_score": 0.92 }
        """
        .formatted(validationPassed, recommendedUse);
  }

  private void goodEpisodes() throws IOException {
    put(VALIDATION, validation("0.95", "0.91", "true", "0"));
    put(GATE, gateReport("true", "0"));
  }

  private static void assertFailure(GateResult result, String expected) {
    assertFalse(result.passed(), "expected a failure");
    assertTrue(
        result.failureLines().stream().anyMatch(f -> f.contains(expected)),
        () -> "no failure containing [" + expected + "] in " + result.failureLines());
  }

  @Nested
  class Episodes {
    @Test
    void productionRunPassesWithMeasuredValues() throws IOException {
      goodEpisodes();
      GateResult result = gates().episodes(SCENE);
      assertTrue(result.passed(), result::reason);
      assertEquals(VALIDATION, result.reportObject());
      assertEquals(0.95, ((GateMeasures.Episodes) result.measures()).passRate());
      assertEquals(0.91, ((GateMeasures.Episodes) result.measures()).averageScore());
      assertEquals(true, ((GateMeasures.Episodes) result.measures()).physxUsed());
      assertEquals(0L, ((GateMeasures.Episodes) result.measures()).nonPhysxEpisodeCount());
      assertEquals(true, ((GateMeasures.Episodes) result.measures()).canProceed());
      assertEquals(0L, ((GateMeasures.Episodes) result.measures()).blockingFailures());
      assertEquals("quality_gate_report", ((GateMeasures.Episodes) result.measures()).gateSource());
      assertEquals(0, ((GateMeasures.Episodes) result.measures()).mockIndicators());
      assertEquals("passed", result.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.90", "0.9", "0.9000000001", "0.95", "1", "1.0"})
    void passRateAtOrAboveThresholdPasses(String passRate) throws IOException {
      goodEpisodes();
      put(VALIDATION, validation(passRate, "0.91", "true", "0"));
      assertTrue(gates().episodes(SCENE).passed());
    }

    @Test
    void passRateBelowThresholdFailsNamingFileValueAndThreshold() throws IOException {
      goodEpisodes();
      put(VALIDATION, validation("0.82", "0.91", "true", "0"));
      GateResult result = gates().episodes(SCENE);
      assertEquals(
          List.of("episodes/quality/validation_report.json: summary.pass_rate 0.82 < 0.90"),
          result.failureLines());
      assertEquals(VALIDATION, result.reportObject());
      assertEquals(0.82, ((GateMeasures.Episodes) result.measures()).passRate());
    }

    @Test
    void passRateJustBelowThresholdFails() throws IOException {
      goodEpisodes();
      put(VALIDATION, validation("0.8999", "0.91", "true", "0"));
      assertFailure(gates().episodes(SCENE), "summary.pass_rate 0.8999 < 0.90");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.85", "0.850", "0.86"})
    void averageScoreAtOrAboveThresholdPasses(String score) throws IOException {
      goodEpisodes();
      put(VALIDATION, validation("0.95", score, "true", "0"));
      assertTrue(gates().episodes(SCENE).passed());
    }

    @Test
    void averageScoreBelowThresholdFails() throws IOException {
      goodEpisodes();
      put(VALIDATION, validation("0.95", "0.849", "true", "0"));
      assertFailure(gates().episodes(SCENE), "summary.average_score 0.849 < 0.85");
    }

    @Test
    void physxNotUsedFails() throws IOException {
      goodEpisodes();
      put(VALIDATION, validation("0.95", "0.91", "false", "0"));
      GateResult result = gates().episodes(SCENE);
      assertEquals(
          List.of(
              "episodes/quality/validation_report.json: physics_validation.physx_used is false"
                  + " (needs true)"),
          result.failureLines());
    }

    @Test
    void nonPhysxEpisodesFail() throws IOException {
      goodEpisodes();
      put(VALIDATION, validation("0.95", "0.91", "true", "3"));
      GateResult result = gates().episodes(SCENE);
      assertEquals(
          List.of(
              "episodes/quality/validation_report.json:"
                  + " physics_validation.non_physx_episode_count 3 != 0"),
          result.failureLines());
    }

    @Test
    void wholeZeroWrittenAsFloatCounts() throws IOException {
      goodEpisodes();
      put(VALIDATION, validation("0.95", "0.91", "true", "0.0"));
      assertTrue(gates().episodes(SCENE).passed());
    }

    @Test
    void everyFailedCriterionIsListed() throws IOException {
      put(VALIDATION, validation("0.5", "0.5", "false", "7"));
      put(GATE, gateReport("false", "2"));
      GateResult result = gates().episodes(SCENE);
      assertEquals(6, result.failureLines().size(), result.failureLines().toString());
      assertEquals(VALIDATION, result.reportObject());
    }

    @Test
    void wrongTypesFailAsVerdicts() throws IOException {
      goodEpisodes();
      put(VALIDATION, validation("\"0.95\"", "null", "\"true\"", "\"0\""));
      GateResult result = gates().episodes(SCENE);
      assertFailure(result, "summary.pass_rate is a string \"0.95\", not a number (needs >= 0.90)");
      assertFailure(result, "summary.average_score is null");
      assertFailure(result, "physics_validation.physx_used is a string \"true\", not true/false");
      assertFailure(result, "physics_validation.non_physx_episode_count is a string \"0\"");
    }

    @Test
    void outOfRangeAndNonFiniteNumbersFail() throws IOException {
      goodEpisodes();
      put(VALIDATION, validation("1.5", "1e999", "true", "0"));
      GateResult result = gates().episodes(SCENE);
      assertFailure(result, "summary.pass_rate 1.50 is outside 0..1");
      assertFailure(result, "summary.average_score");
      assertNull(((GateMeasures.Episodes) result.measures()).passRate());
    }

    @Test
    void missingSectionIsNamed() throws IOException {
      goodEpisodes();
      put(VALIDATION, "{ \"summary\": { \"pass_rate\": 0.95, \"average_score\": 0.9 } }");
      assertFailure(
          gates().episodes(SCENE),
          "validation_report.json: physics_validation is missing"
              + " (physics_validation.physx_used needs true)");
    }

    @Test
    void sectionOfWrongTypeIsNamed() throws IOException {
      goodEpisodes();
      put(
          VALIDATION,
          "{ \"summary\": [1], \"physics_validation\": { \"physx_used\": true,"
              + " \"non_physx_episode_count\": 0 } }");
      assertFailure(gates().episodes(SCENE), "summary is an array, not an object");
    }

    @Test
    void missingValidationReportFailsNamingIt() throws IOException {
      put(GATE, gateReport("true", "0"));
      GateResult result = gates().episodes(SCENE);
      assertFailure(result, "episodes/quality/validation_report.json: missing");
      assertEquals(VALIDATION, result.reportObject());
    }

    @Test
    void gateReportThatCannotProceedFailsAndNamesBlockingGates() throws IOException {
      put(VALIDATION, validation("0.95", "0.91", "true", "0"));
      put(
          GATE,
          """
          { "summary": { "blocking_failures": 1, "can_proceed": false },
            "results": [ { "gate_id": "QG-EPISODES-GENERATED", "passed": false },
                         { "gate_id": "QG-OK", "passed": true } ] }
          """);
      GateResult result = gates().episodes(SCENE);
      assertEquals(
          List.of(
              "episode-generation-job/quality_gate_report.json: summary.can_proceed is false"
                  + " (needs true)",
              "episode-generation-job/quality_gate_report.json: summary.blocking_failures 1 != 0"),
          result.failureLines());
      assertEquals(GATE, result.reportObject());
      assertEquals(
          List.of("QG-EPISODES-GENERATED"),
          ((GateMeasures.Episodes) result.measures()).failedGates());
    }

    @Test
    void blockingFailuresAloneFail() throws IOException {
      put(VALIDATION, validation("0.95", "0.91", "true", "0"));
      put(GATE, gateReport("true", "1"));
      assertFailure(gates().episodes(SCENE), "summary.blocking_failures 1 != 0");
    }

    @Test
    void canProceedAsStringFails() throws IOException {
      put(VALIDATION, validation("0.95", "0.91", "true", "0"));
      put(GATE, gateReport("\"true\"", "0"));
      assertFailure(gates().episodes(SCENE), "summary.can_proceed is a string \"true\"");
    }

    @Test
    void malformedGateReportFailsWithoutFallingBack() throws IOException {
      put(VALIDATION, validation("0.95", "0.91", "true", "0"));
      put(GATE, "{ \"summary\": ");
      put(PREFIX + "episodes/e1/quality_certificate.json", certificate("true", "\"fine_tuning\""));
      GateResult result = gates().episodes(SCENE);
      assertFailure(result, "episode-generation-job/quality_gate_report.json: not valid JSON");
      assertEquals("quality_gate_report", ((GateMeasures.Episodes) result.measures()).gateSource());
      assertEquals(GATE, result.reportObject());
    }
  }

  @Nested
  class Fallback {
    @Test
    void legacyRunWithGoodCertificatesPasses() throws IOException {
      put(VALIDATION, validation("0.95", "0.91", "true", "0"));
      put(
          PREFIX + "episodes/episode_000001/quality_certificate.json",
          certificate("true", "\"production_training\""));
      put(
          PREFIX + "episodes/batch/episode_000002/quality_certificate.json",
          certificate("true", "\"fine_tuning\""));
      put(PREFIX + "episodes/episode_000001/recording.json", "{ \"mock_capture\": true }");
      GateResult result = gates().episodes(SCENE);
      assertTrue(result.passed(), result::reason);
      assertEquals(
          "quality_certificates", ((GateMeasures.Episodes) result.measures()).gateSource());
      assertEquals(2, ((GateMeasures.Episodes) result.measures()).certificatesChecked());
      assertEquals(0, ((GateMeasures.Episodes) result.measures()).certificatesFailed());
    }

    @Test
    void testingCertificateFails() throws IOException {
      put(VALIDATION, validation("0.95", "0.91", "true", "0"));
      String good = PREFIX + "episodes/a/quality_certificate.json";
      String bad = PREFIX + "episodes/b/quality_certificate.json";
      put(good, certificate("true", "\"production_training\""));
      put(bad, certificate("true", "\"testing\""));
      GateResult result = gates().episodes(SCENE);
      assertEquals(
          List.of(
              "episodes/b/quality_certificate.json: recommended_use is \"testing\""
                  + " (accepted: [fine_tuning, production_training])"),
          result.failureLines());
      assertEquals(bad, result.reportObject());
      assertEquals(1, ((GateMeasures.Episodes) result.measures()).certificatesFailed());
    }

    @Test
    void unvalidatedCertificateFails() throws IOException {
      put(VALIDATION, validation("0.95", "0.91", "true", "0"));
      put(
          PREFIX + "episodes/a/quality_certificate.json",
          certificate("false", "\"production_training\""));
      assertFailure(
          gates().episodes(SCENE),
          "episodes/a/quality_certificate.json: validation_passed is false (needs true)");
    }

    @Test
    void certificateWithWrongTypesOrMissingFieldsFails() throws IOException {
      put(VALIDATION, validation("0.95", "0.91", "true", "0"));
      put(PREFIX + "episodes/a/quality_certificate.json", certificate("1", "42"));
      put(PREFIX + "episodes/b/quality_certificate.json", "{}");
      put(PREFIX + "episodes/c/quality_certificate.json", "not json");
      GateResult result = gates().episodes(SCENE);
      assertFailure(result, "episodes/a/quality_certificate.json: validation_passed is a number");
      assertFailure(result, "episodes/a/quality_certificate.json: recommended_use is a number");
      assertFailure(result, "episodes/b/quality_certificate.json: validation_passed is missing");
      assertFailure(result, "episodes/c/quality_certificate.json: not valid JSON");
      assertEquals(3, ((GateMeasures.Episodes) result.measures()).certificatesFailed());
    }

    @Test
    void noGateReportAndNoCertificatesFails() throws IOException {
      put(VALIDATION, validation("0.95", "0.91", "true", "0"));
      put(PREFIX + "episodes/.episodes_complete", "");
      GateResult result = gates().episodes(SCENE);
      assertEquals(
          List.of(
              "episode-generation-job/quality_gate_report.json: missing, and no"
                  + " episodes/**/quality_certificate.json to fall back to (needed for"
                  + " summary.can_proceed, summary.blocking_failures)"),
          result.failureLines());
      assertEquals(GATE, result.reportObject());
    }

    @Test
    void manyFailingCertificatesAreCountedNotAllListed() throws IOException {
      put(VALIDATION, validation("0.95", "0.91", "true", "0"));
      for (int i = 0; i < 14; i++) {
        put(
            PREFIX + "episodes/e" + (100 + i) + "/quality_certificate.json",
            certificate("true", "\"testing\""));
      }
      GateResult result = gates().episodes(SCENE);
      assertEquals(11, result.failureLines().size());
      assertFailure(result, "and 4 more of 14 quality certificates failed");
      assertEquals(14, ((GateMeasures.Episodes) result.measures()).certificatesFailed());
    }
  }

  @Nested
  class MockIndicatorsInReports {
    @ParameterizedTest
    @ValueSource(strings = {"physx", "PhysX", "PhysX 5", "physx5", "isaac_sim_physx", "physx-5.1"})
    void physxBackendsPass(String backend) throws IOException {
      put(
          VALIDATION,
          validation("0.95", "0.91", "true", "0").replace("\"physx\"", "\"" + backend + "\""));
      put(GATE, gateReport("true", "0"));
      assertTrue(gates().episodes(SCENE).passed(), backend);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mujoco", "non_physx", "mock", "bullet", ""})
    void nonPhysxBackendFails(String backend) throws IOException {
      put(
          VALIDATION,
          validation("0.95", "0.91", "true", "0").replace("\"physx\"", "\"" + backend + "\""));
      put(GATE, gateReport("true", "0"));
      GateResult result = gates().episodes(SCENE);
      assertFailure(
          result,
          "episodes/quality/validation_report.json: mock indicator physics_validation.backend = \""
              + backend
              + "\" (production needs PhysX)");
      assertEquals(1, ((GateMeasures.Episodes) result.measures()).mockIndicators());
    }

    @Test
    void productionFlagsEchoedInReportPass() throws IOException {
      put(
          VALIDATION,
          """
          { "summary": { "pass_rate": 0.95, "average_score": 0.9 },
            "physics_validation": { "physx_used": true, "non_physx_episode_count": 0,
                                    "physics_backend": "PhysX" },
            "config": { "DATA_QUALITY_LEVEL": "production", "REQUIRE_REAL_PHYSICS": "true",
                        "ISAAC_SIM_REQUIRED": true, "SENSOR_CAPTURE_MODE": "isaac_sim",
                        "USE_MOCK_CAPTURE": "false", "ALLOW_MOCK_DATA": false,
                        "ALLOW_MOCK_CAPTURE": 0, "dev_only_fallback": null,
                        "capture_mode": "isaac_sim", "mock_episode_count": 0 } }
          """);
      put(GATE, gateReport("true", "0"));
      GateResult result = gates().episodes(SCENE);
      assertTrue(result.passed(), result::reason);
    }

    @Test
    void mockCaptureFlagsAnywhereFail() throws IOException {
      put(
          VALIDATION,
          """
          { "summary": { "pass_rate": 0.95, "average_score": 0.9 },
            "physics_validation": { "physx_used": true, "non_physx_episode_count": 0 },
            "config": { "USE_MOCK_CAPTURE": "true", "sensorCaptureMode": "mock",
                        "data_quality_level": "development" },
            "episodes": [ { "episode_id": "e0", "capture_mode": "isaac_sim" },
                          { "episode_id": "e1", "capture_mode": "mock_fallback" } ] }
          """);
      put(GATE, gateReport("true", "0"));
      GateResult result = gates().episodes(SCENE);
      assertFailure(result, "mock indicator config.USE_MOCK_CAPTURE = \"true\" (production needs");
      assertFailure(
          result, "mock indicator config.sensorCaptureMode = \"mock\" (production needs \"isaac");
      assertFailure(result, "mock indicator config.data_quality_level = \"development\"");
      assertFailure(result, "mock indicator episodes[1].capture_mode = \"mock_fallback\"");
      assertEquals(4, ((GateMeasures.Episodes) result.measures()).mockIndicators());
    }

    @Test
    void devOnlyFallbackInGateReportFails() throws IOException {
      put(VALIDATION, validation("0.95", "0.91", "true", "0"));
      put(
          GATE,
          gateReport("true", "0")
              .replace(
                  "\"results\"", "\"environment\": { \"dev_only_fallback\": true }, \"results\""));
      assertFailure(
          gates().episodes(SCENE),
          "episode-generation-job/quality_gate_report.json: mock indicator"
              + " environment.dev_only_fallback = true");
    }

    @Test
    void mockInCertificateFails() throws IOException {
      put(VALIDATION, validation("0.95", "0.91", "true", "0"));
      put(
          PREFIX + "episodes/a/quality_certificate.json",
          certificate("true", "\"fine_tuning\"")
              .replace("\"episode_id\"", "\"allow_mock_data\": true, \"episode_id\""));
      assertFailure(
          gates().episodes(SCENE),
          "episodes/a/quality_certificate.json: mock indicator allow_mock_data = true");
    }

    @Test
    void mockIndicatorInImportManifestFails() throws IOException {
      put(
          IMPORT,
          """
          { "quality": { "average_score": 0.9, "threshold": 0.85 },
            "episodes": { "passed_validation": 10 }, "use_mock_capture": "yes" }
          """);
      assertFailure(gates().geniesimImport(SCENE), "mock indicator use_mock_capture = \"yes\"");
    }

    @Test
    void manyIndicatorsAreCountedNotAllListed() throws IOException {
      StringBuilder episodes = new StringBuilder();
      for (int i = 0; i < 13; i++) {
        episodes.append(i == 0 ? "" : ",").append("{ \"capture_mode\": \"mock\" }");
      }
      put(
          VALIDATION,
          validation("0.95", "0.91", "true", "0")
              .replace("\"summary\"", "\"episodes\": [" + episodes + "], \"summary\""));
      put(GATE, gateReport("true", "0"));
      GateResult result = gates().episodes(SCENE);
      assertEquals(11, result.failureLines().size(), result.failureLines().toString());
      assertFailure(result, "mock indicator episodes[9].capture_mode = \"mock\"");
      assertFailure(result, "and 3 more mock indicators");
      assertEquals(13, ((GateMeasures.Episodes) result.measures()).mockIndicators());
    }

    @Test
    void indicatorsAreFoundAtAnyDepthAndInArrays() throws IOException {
      put(
          VALIDATION,
          validation("0.95", "0.91", "true", "0")
              .replace(
                  "\"summary\"",
                  "\"runs\": [[{ \"physics\": [{ \"backend\": \"bullet\" }] }]],"
                      + " \"a\": { \"b\": { \"c\": { \"isMock\": 1 } } }, \"summary\""));
      put(GATE, gateReport("true", "0"));
      GateResult result = gates().episodes(SCENE);
      assertFailure(result, "mock indicator runs[0][0].physics[0].backend = \"bullet\"");
      assertFailure(result, "mock indicator a.b.c.isMock = 1 (production needs false)");
      assertEquals(2, ((GateMeasures.Episodes) result.measures()).mockIndicators());
    }

    @Test
    void hostileValuesAreClippedToOneLine() throws IOException {
      put(VALIDATION, validation("0.95", "0.91", "true", "0"));
      put(
          GATE,
          gateReport("true", "0")
              .replace(
                  "\"results\"",
                  "\"data_quality_level\": \"dev\\nx" + "y".repeat(500) + "\", \"results\""));
      GateResult result = gates().episodes(SCENE);
      assertFalse(result.passed());
      for (String failure : result.failureLines()) {
        assertFalse(failure.contains("\n"), failure);
        assertTrue(failure.length() < 300, failure);
      }
    }
  }

  @Nested
  class MalformedReports {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "   ",
          "{",
          "not json",
          "[1, 2]",
          "\"text\"",
          "null",
          "{ \"summary\": { \"pass_rate\": NaN } }",
          "{ \"a\": 1 } trailing",
          "{ \"summary\": {}, \"summary\": {} }"
        })
    void malformedValidationReportIsAFailedVerdict(String content) throws IOException {
      put(VALIDATION, content);
      put(GATE, gateReport("true", "0"));
      GateResult result = gates().episodes(SCENE);
      assertFalse(result.passed());
      assertTrue(
          result.failureLines().get(0).startsWith("episodes/quality/validation_report.json: not "),
          result.failureLines().toString());
      assertEquals(VALIDATION, result.reportObject());
    }

    @Test
    void duplicateKeysAreRejected() throws IOException {
      put(
          IMPORT,
          """
          { "quality": { "average_score": 0.1, "average_score": 0.9, "threshold": 0.85 },
            "episodes": { "passed_validation": 3 } }
          """);
      assertFailure(gates().geniesimImport(SCENE), "episodes/import_manifest.json: not valid JSON");
    }

    @Test
    void oversizeReportIsRefusedUnread() throws IOException {
      Path file = root.resolve(VALIDATION);
      Files.createDirectories(file.getParent());
      try (var channel =
          Files.newByteChannel(
              file,
              Set.of(
                  java.nio.file.StandardOpenOption.CREATE,
                  java.nio.file.StandardOpenOption.WRITE))) {
        channel.position(ReportReader.MAX_REPORT_BYTES);
        channel.write(java.nio.ByteBuffer.wrap(new byte[] {'}'}));
      }
      put(GATE, gateReport("true", "0"));
      assertFailure(
          gates().episodes(SCENE),
          "episodes/quality/validation_report.json: over the 16777216-byte limit for reports");
    }

    @Test
    void reportLinkedOutsideTheBucketIsNotRead(@TempDir Path outside) throws IOException {
      Path secret = outside.resolve("secret.json");
      Files.writeString(secret, validation("0.95", "0.91", "true", "0"));
      Path link = root.resolve(VALIDATION);
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, secret);
      put(GATE, gateReport("true", "0"));
      GateResult result = gates().episodes(SCENE);
      assertEquals(
          List.of(
              "episodes/quality/validation_report.json: refused: a link leading outside the"
                  + " bucket folder (needed for summary.pass_rate, summary.average_score,"
                  + " physics_validation)"),
          result.failureLines());
    }

    @Test
    void reportAtTheSizeLimitIsRead() throws IOException {
      String base = validation("0.95", "0.91", "true", "0");
      String padded = base + " ".repeat(ReportReader.MAX_REPORT_BYTES - base.length());
      assertEquals(ReportReader.MAX_REPORT_BYTES, padded.getBytes(StandardCharsets.UTF_8).length);
      put(VALIDATION, padded);
      put(GATE, gateReport("true", "0"));
      assertTrue(gates().episodes(SCENE).passed());
    }
  }

  @Nested
  class GeniesimImport {
    private String manifest(String average, String threshold, String passed) {
      return """
          { "job_id": "job-1",
            "quality": { "average_score": %s, "threshold": %s, "min_quality_score": 0.85 },
            "episodes": { "total": 12, "passed_validation": %s } }
          """
          .formatted(average, threshold, passed);
    }

    @Test
    void passes() throws IOException {
      put(IMPORT, manifest("0.91", "0.85", "10"));
      GateResult result = gates().geniesimImport(SCENE);
      assertTrue(result.passed(), result::reason);
      assertEquals(IMPORT, result.reportObject());
      assertEquals(0.91, ((GateMeasures.Import) result.measures()).averageScore());
      assertEquals(0.85, ((GateMeasures.Import) result.measures()).threshold());
      assertEquals(10L, ((GateMeasures.Import) result.measures()).passedValidation());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.85", "0.8500", "0.86"})
    void averageAtOrAboveMinimumPasses(String average) throws IOException {
      put(IMPORT, manifest(average, "0.85", "1"));
      assertTrue(gates().geniesimImport(SCENE).passed());
    }

    @Test
    void averageBelowMinimumFails() throws IOException {
      put(IMPORT, manifest("0.8499", "0.85", "1"));
      GateResult result = gates().geniesimImport(SCENE);
      assertEquals(
          List.of("episodes/import_manifest.json: quality.average_score 0.8499 < 0.85"),
          result.failureLines());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.85", "0.850", "0.8500000000001", "0.8499999999999"})
    void thresholdEqualWithinEpsilonPasses(String threshold) throws IOException {
      put(IMPORT, manifest("0.9", threshold, "1"));
      assertTrue(gates().geniesimImport(SCENE).passed(), threshold);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.8", "0.9", "0.851", "0"})
    void thresholdOtherThanConfiguredFails(String threshold) throws IOException {
      put(IMPORT, manifest("0.95", threshold, "1"));
      assertFailure(gates().geniesimImport(SCENE), "quality.threshold ");
      assertFailure(gates().geniesimImport(SCENE), " != MIN_QUALITY_SCORE 0.85");
    }

    @Test
    void thresholdAsStringFails() throws IOException {
      put(IMPORT, manifest("0.95", "\"0.85\"", "1"));
      assertFailure(
          gates().geniesimImport(SCENE),
          "quality.threshold is a string \"0.85\", not a number (needs == MIN_QUALITY_SCORE 0.85)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1"})
    void noPassedEpisodesFails(String passed) throws IOException {
      put(IMPORT, manifest("0.95", "0.85", passed));
      assertFailure(
          gates().geniesimImport(SCENE), "episodes.passed_validation " + passed + " is not > 0");
    }

    @Test
    void fractionalOrStringCountFails() throws IOException {
      put(IMPORT, manifest("0.95", "0.85", "1.5"));
      assertFailure(
          gates().geniesimImport(SCENE), "episodes.passed_validation 1.50 is not a whole number");
      put(IMPORT, manifest("0.95", "0.85", "\"3\""));
      assertFailure(gates().geniesimImport(SCENE), "episodes.passed_validation is a string \"3\"");
    }

    @Test
    void missingManifestFails() throws IOException {
      GateResult result = gates().geniesimImport(SCENE);
      assertFailure(result, "episodes/import_manifest.json: missing");
      assertEquals(IMPORT, result.reportObject());
    }
  }

  @Nested
  class GeniesimExport {
    @Test
    void passes() throws IOException {
      put(JOB, "{ \"job_id\": \"job-1\" }");
      put(EXPORT, "{ \"source_assets\": { \"obj_1/asset.glb\": { \"sha256\": \"ab\" } } }");
      GateResult result = gates().geniesimExport(SCENE);
      assertTrue(result.passed(), result::reason);
      assertEquals(EXPORT, result.reportObject());
      assertEquals(1, ((GateMeasures.Export) result.measures()).sourceAssetsEntries());
    }

    @Test
    void missingJobFails() throws IOException {
      put(EXPORT, "{ \"source_assets\": { \"a\": {} } }");
      GateResult result = gates().geniesimExport(SCENE);
      assertEquals(
          List.of("geniesim/job.json: missing (the Genie Sim job was not recorded)"),
          result.failureLines());
      assertEquals(JOB, result.reportObject());
    }

    @Test
    void sourceAssetsMustBeANonEmptyObject() throws IOException {
      put(JOB, "{}");
      put(EXPORT, "{ \"files\": {} }");
      assertFailure(
          gates().geniesimExport(SCENE),
          "geniesim/export_manifest.json: source_assets section is missing");
      put(EXPORT, "{ \"source_assets\": {} }");
      assertFailure(gates().geniesimExport(SCENE), "source_assets section is empty");
      put(EXPORT, "{ \"source_assets\": [\"a\"] }");
      assertFailure(gates().geniesimExport(SCENE), "source_assets is an array, not an object");
      put(EXPORT, "{ \"source_assets\": null }");
      assertFailure(gates().geniesimExport(SCENE), "source_assets section is missing");
    }

    @Test
    void missingOrMalformedManifestFails() throws IOException {
      put(JOB, "{}");
      assertFailure(gates().geniesimExport(SCENE), "geniesim/export_manifest.json: missing");
      put(EXPORT, "{ source_assets: 1 }");
      assertFailure(gates().geniesimExport(SCENE), "geniesim/export_manifest.json: not valid JSON");
    }
  }

  @Nested
  class Thresholds {
    @Test
    void configuredThresholdsApply() throws IOException {
      QualityThresholds custom =
          QualityThresholds.fromEnv(
              Map.of(
                  "MIN_PASS_RATE",
                  "0.80",
                  "MIN_AVERAGE_SCORE",
                  " 0.95 ",
                  "MIN_QUALITY_SCORE",
                  "0.9"));
      QualityGates gates = new QualityGates(new LocalObjectStore(root), custom);
      put(VALIDATION, validation("0.82", "0.94", "true", "0"));
      put(GATE, gateReport("true", "0"));
      GateResult episodes = gates.episodes(SCENE);
      assertEquals(
          List.of("episodes/quality/validation_report.json: summary.average_score 0.94 < 0.95"),
          episodes.failureLines());

      put(
          IMPORT,
          "{ \"quality\": { \"average_score\": 0.89, \"threshold\": 0.85 },"
              + " \"episodes\": { \"passed_validation\": 1 } }");
      GateResult imported = gates.geniesimImport(SCENE);
      assertFailure(imported, "quality.average_score 0.89 < 0.90");
      assertFailure(imported, "quality.threshold 0.85 != MIN_QUALITY_SCORE 0.90");
      assertEquals(0.9, ((GateMeasures.Import) imported.measures()).minQualityScore());
    }

    @Test
    void blankOrAbsentEnvKeepsDefaults() {
      assertEquals(QualityThresholds.defaults(), QualityThresholds.fromEnv(Map.of()));
      assertEquals(
          QualityThresholds.defaults(), QualityThresholds.fromEnv(Map.of("MIN_PASS_RATE", " ")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "NaN", "1.5", "-0.1", "Infinity"})
    void malformedThresholdIsAConfigurationError(String value) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> QualityThresholds.fromEnv(Map.of("MIN_QUALITY_SCORE", value)));
      assertTrue(e.getMessage().contains("MIN_QUALITY_SCORE"), e.getMessage());
    }
  }

  @Nested
  class Storage {
    @ParameterizedTest
    @ValueSource(strings = {"", "../x", "a/b", ".hidden", "a\nb"})
    void invalidSceneIdIsACallerError(String sceneId) {
      assertThrows(IllegalArgumentException.class, () -> gates().episodes(sceneId));
    }

    @Test
    void sceneIdLengthIsBounded() {
      assertThrows(IllegalArgumentException.class, () -> gates().episodes("x".repeat(129)));
    }

    @Test
    void storageFaultPropagates() throws IOException {
      goodEpisodes();
      put(IMPORT, "{}");
      ObjectStore failing =
          new DelegatingStore(new LocalObjectStore(root)) {
            @Override
            public byte[] readSmall(String name, long generation, int maxBytes) throws IOException {
              throw new TransientStorageException("503 from storage");
            }
          };
      QualityGates gates = new QualityGates(failing, QualityThresholds.defaults());
      assertThrows(TransientStorageException.class, () -> gates.episodes(SCENE));
      assertThrows(TransientStorageException.class, () -> gates.geniesimImport(SCENE));
    }

    @Test
    void listingFaultPropagatesInFallback() throws IOException {
      put(VALIDATION, validation("0.95", "0.91", "true", "0"));
      ObjectStore failing =
          new DelegatingStore(new LocalObjectStore(root)) {
            @Override
            public List<ObjectInfo> list(String prefix) throws IOException {
              throw new IOException("connection reset");
            }
          };
      assertThrows(
          IOException.class,
          () -> new QualityGates(failing, QualityThresholds.defaults()).episodes(SCENE));
    }

    @Test
    void reportReplacedBetweenStatAndReadIsReadAgain() throws IOException {
      goodEpisodes();
      AtomicInteger races = new AtomicInteger();
      ObjectStore racing =
          new DelegatingStore(new LocalObjectStore(root)) {
            @Override
            public byte[] readSmall(String name, long generation, int maxBytes) throws IOException {
              if (races.getAndIncrement() == 0) {
                throw new NoSuchFileException(name + "#" + generation);
              }
              return super.readSmall(name, generation, maxBytes);
            }
          };
      assertTrue(new QualityGates(racing, QualityThresholds.defaults()).episodes(SCENE).passed());
      assertEquals(3, races.get());
    }

    @Test
    void reportThatKeepsChangingIsTransient() throws IOException {
      goodEpisodes();
      ObjectStore racing =
          new DelegatingStore(new LocalObjectStore(root)) {
            @Override
            public byte[] readSmall(String name, long generation, int maxBytes) throws IOException {
              throw new NoSuchFileException(name);
            }
          };
      assertThrows(
          TransientStorageException.class,
          () -> new QualityGates(racing, QualityThresholds.defaults()).episodes(SCENE));
    }
  }

  /** A store that forwards everything; tests override the call they want to break. */
  private static class DelegatingStore extends ForwardingObjectStore {
    DelegatingStore(ObjectStore delegate) {
      super(delegate);
    }
  }
}
