package dev.scenegate.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The values a gate measured, for events and {@code check}'s table; a value the report did not
 * yield is null (and left out of the JSON). Serialised in snake_case by the shared mapper.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface GateMeasures {

  /** {@code episodes}: the quality gate preflight. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Episodes(
      Double passRate,
      Double averageScore,
      Boolean physxUsed,
      Long nonPhysxEpisodeCount,
      String gateSource,
      Integer certificatesChecked,
      Integer certificatesFailed,
      Boolean canProceed,
      Long blockingFailures,
      List<String> failedGates,
      int mockIndicators)
      implements GateMeasures {
    static final String GATE_REPORT = "quality_gate_report";
    static final String CERTIFICATES = "quality_certificates";

    boolean fromCertificates() {
      return CERTIFICATES.equals(gateSource);
    }
  }

  /** {@code geniesim_import}: the import manifest. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Import(
      Double averageScore,
      Double threshold,
      Long passedValidation,
      double minQualityScore,
      int mockIndicators)
      implements GateMeasures {}

  /** {@code geniesim_export}: the job record and the export manifest. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Export(boolean jobExists, Integer sourceAssetsEntries) implements GateMeasures {}
}
