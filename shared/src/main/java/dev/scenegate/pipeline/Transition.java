package dev.scenegate.pipeline;

/**
 * One entry of the audit trail: a status change (or a re-open under a newer marker) with the
 * trigger that caused it. {@code trigger} is the stage's marker, or null for {@code pending}.
 */
public record Transition(
    String from, String to, MarkerRef trigger, String cause, String at, String reason) {}
