package dev.scenegate.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The {@code .failed} document scenegate writes into a failed stage's folder (DESIGN: stage,
 * reason, the report or manifest path, the marker generation). Exactly one of {@code manifest}
 * (checksum stages) and {@code report} (gated stages) is set.
 */
record FailedMarker(
    String stage,
    String sceneId,
    String reason,
    @JsonInclude(JsonInclude.Include.NON_NULL) String manifest,
    @JsonInclude(JsonInclude.Include.NON_NULL) String report,
    String marker,
    String markerGeneration,
    String failedAt) {}
