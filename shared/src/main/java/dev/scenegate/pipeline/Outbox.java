package dev.scenegate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.events.Topic;
import dev.scenegate.logging.JsonLog;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.storage.PreconditionFailedException;
import dev.scenegate.storage.TransientStorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The scene's outbox (DESIGN: delivery rules): side effects are recorded in the state before they
 * are carried out ({@link #recorded}), carried out in order after the state write ({@link #flush}),
 * and removed from the state once confirmed. A crash in between leaves them in the state for the
 * next delivery, which carries them out under the same ids.
 */
final class Outbox {
  private static final JsonLog LOG = JsonLog.get(Outbox.class);

  /** How long a delivery holds the entries it claimed; publishing takes well under a second. */
  static final Duration LEASE = Duration.ofMinutes(2);

  /** One delivery's hold on outbox entries, taken at {@code now}. */
  record Claim(String delivery, Instant now) {
    String until() {
      return now.plus(LEASE).toString();
    }
  }

  private final Function<String, ObjectStore> stores;
  private final EventPublisher publisher;
  private final PipelineMetrics metrics;

  Outbox(Function<String, ObjectStore> stores, EventPublisher publisher, PipelineMetrics metrics) {
    this.stores = stores;
    this.publisher = publisher;
    this.metrics = metrics;
  }

  /**
   * {@code state} with {@code effects} queued. A message still pending under the same id is
   * published once; a pending {@code .failed} write or clear under the same id moves to the end, so
   * the last one wins.
   */
  static SceneState recorded(SceneState state, List<Effect> effects, Claim claim) {
    List<OutboxEntry> outbox = new ArrayList<>();
    for (OutboxEntry pending : state.outbox()) {
      outbox.add(
          pending.claimable(claim.now())
              ? pending.claimed(claim.delivery(), claim.until())
              : pending);
    }
    for (Effect effect : effects) {
      OutboxEntry entry = entry(effect).claimed(claim.delivery(), claim.until());
      int pending = indexOf(outbox, entry.id());
      if (pending >= 0) {
        if (entry.kind() == OutboxEntry.Kind.PUBLISH) {
          continue;
        }
        outbox.remove(pending);
      }
      outbox.add(entry);
    }
    return state.withOutbox(outbox);
  }

  /** Whether {@code state} holds entries a delivery could take now. */
  static boolean anyClaimable(SceneState state, Instant now) {
    return state.outbox().stream().anyMatch(e -> e.claimable(now));
  }

  /** Entries held by other live deliveries. */
  static long heldByOthers(SceneState state, Claim claim) {
    return state.outbox().stream()
        .filter(e -> !e.heldBy(claim.delivery()) && !e.claimable(claim.now()))
        .count();
  }

  private static int indexOf(List<OutboxEntry> outbox, String id) {
    for (int i = 0; i < outbox.size(); i++) {
      if (outbox.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /** The wire form of an effect: the JSON it publishes or writes, exactly. */
  static OutboxEntry entry(Effect effect) {
    if (effect instanceof Effect.PublishEvent p) {
      return OutboxEntry.publish(
          p.id(),
          Topic.STAGE_EVENTS,
          p.event().toJson(),
          p.event().attributes(),
          p.event().sceneId());
    }
    if (effect instanceof Effect.RaiseAlert a) {
      return OutboxEntry.publish(
          a.id(),
          Topic.CHECKSUM_ALERTS,
          a.alert().toJson(),
          a.alert().attributes(),
          a.alert().sceneId());
    }
    if (effect instanceof Effect.WriteFailed w) {
      return OutboxEntry.writeFailed(
          w.id(), w.object(), w.stage(), EventJson.MAPPER.valueToTree(w.document()));
    }
    Effect.ClearFailed c = (Effect.ClearFailed) effect;
    return OutboxEntry.clearFailed(c.id(), c.object(), c.stage());
  }

  /**
   * Carries out the pending entries in order (a failure stops there, so per-scene order holds),
   * then removes the confirmed ones from the state. A failure is rethrown after the confirmed
   * entries were removed, so a retry repeats only what was not confirmed.
   */
  void flush(SceneStateStore states, SceneStateStore.Loaded loaded, Claim claim)
      throws IOException {
    List<OutboxEntry> pending =
        loaded.state().outbox().stream().filter(e -> e.heldBy(claim.delivery())).toList();
    if (pending.isEmpty()) {
      return;
    }
    String sceneId = loaded.state().sceneId();
    ObjectStore data = stores.apply(loaded.state().bucket());
    Set<String> done = new HashSet<>();
    IOException failure = null;
    for (OutboxEntry entry : pending) {
      try {
        perform(data, entry);
        done.add(entry.id());
      } catch (IOException | RuntimeException e) {
        failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        LOG.warn(
            "outbox entry not carried out; will retry",
            "scene_id",
            sceneId,
            "outbox_id",
            entry.id(),
            "kind",
            entry.kind().name(),
            "error",
            String.valueOf(e.getMessage()));
        break;
      }
    }
    try {
      markDone(states, loaded, done, claim);
    } catch (IOException e) {
      if (failure == null) {
        throw e;
      }
      failure.addSuppressed(e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void perform(ObjectStore data, OutboxEntry entry) throws IOException {
    switch (entry.kind()) {
      case PUBLISH -> {
        publisher.publish(entry.message());
        metrics.published(entry.topic());
      }
      case WRITE_FAILED ->
          data.write(
              entry.object(),
              entry.data().toPrettyString().getBytes(StandardCharsets.UTF_8),
              "application/json",
              Map.of("scenegate", "failed-marker"),
              Precondition.none());
      case CLEAR_FAILED -> clearFailed(data, entry);
    }
  }

  /**
   * Removes {@code .failed} after remediation, unless it now speaks for another stage (the two
   * geniesim stages share a folder) — that one is left alone.
   */
  private static void clearFailed(ObjectStore data, OutboxEntry entry) throws IOException {
    for (int attempt = 0; attempt < 5; attempt++) {
      Optional<ObjectInfo> info = data.stat(entry.object());
      if (info.isEmpty()) {
        return;
      }
      String stage = null;
      try {
        JsonNode node =
            EventJson.MAPPER.readTree(
                data.readSmall(entry.object(), info.get().generation(), 1024 * 1024));
        stage = node.path("stage").asText(null);
      } catch (NoSuchFileException e) {
        continue;
      } catch (IOException e) {
        if (e instanceof TransientStorageException) {
          throw e;
        }
        // Unreadable: not one of ours to keep; clearing it is what the stage's pass means.
      }
      if (stage != null && !stage.equals(entry.stage())) {
        return;
      }
      try {
        data.delete(entry.object(), info.get().generation());
        return;
      } catch (PreconditionFailedException | NoSuchFileException e) {
        // Rewritten meanwhile: look again.
      }
    }
    throw new TransientStorageException("could not clear " + entry.object() + " (kept changing)");
  }

  /**
   * Removes the confirmed entries from the state and lets go of the unconfirmed ones this delivery
   * held, so a redelivery can take them at once (compare-and-set, decided again on a race).
   */
  private void markDone(
      SceneStateStore states, SceneStateStore.Loaded loaded, Set<String> done, Claim claim)
      throws IOException {
    SceneState first = loaded.state();
    states.update(
        first.sceneId(),
        first.bucket(),
        metrics::conflict,
        current -> {
          List<OutboxEntry> outbox = current.state().outbox();
          List<OutboxEntry> left = new ArrayList<>();
          for (OutboxEntry entry : outbox) {
            if (!done.contains(entry.id())) {
              left.add(entry.heldBy(claim.delivery()) ? entry.claimed(null, null) : entry);
            }
          }
          // Unchanged: someone else confirmed them meanwhile.
          return new SceneStateStore.Decision<>(
              left.equals(outbox) ? null : current.state().withOutbox(left), null);
        });
  }
}
