package dev.scenegate.pipeline;

import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.StageEvent;

/**
 * A side effect the state machine decided on. {@link Outbox} records each in the state (under its
 * stable {@code id}) before it is carried out, and carries it out after the state write.
 */
sealed interface Effect {
  String id();

  /** Publish a stage event on {@code stage-events}. */
  record PublishEvent(String id, StageEvent event) implements Effect {}

  /** Publish an alert on {@code checksum-alerts}. */
  record RaiseAlert(String id, ChecksumAlert alert) implements Effect {}

  /** Write {@code .failed} into the failed stage's folder. */
  record WriteFailed(String id, String object, String stage, FailedMarker document)
      implements Effect {}

  /** Remove the stage's {@code .failed} after remediation (unless it speaks for another stage). */
  record ClearFailed(String id, String object, String stage) implements Effect {}
}
