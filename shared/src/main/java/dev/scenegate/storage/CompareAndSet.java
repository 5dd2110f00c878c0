package dev.scenegate.storage;

import dev.scenegate.retry.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Read-modify-write of one small document without a lock: read the current generation, decide,
 * write with if-generation-match (or create-only when there was none), and on a lost race (HTTP
 * 412) back off and decide again on what the winner wrote, a bounded number of times. Used by every
 * document scenegate rewrites in place: the alert delivery ledger, the backfill checkpoint, the
 * scene state.
 */
public final class CompareAndSet {

  /** Full jitter from 10 ms, at most 1 s, five decisions: racing writers spread out quickly. */
  public static final Backoff RACES =
      Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1))
          .withJitter(1.0)
          .withMaxAttempts(5);

  private final ObjectStore store;
  private final Backoff backoff;
  private final String contentType;
  private final Map<String, String> metadata;

  public CompareAndSet(ObjectStore store, String contentType, Backoff backoff) {
    this(store, contentType, backoff, Map.of());
  }

  private CompareAndSet(
      ObjectStore store, String contentType, Backoff backoff, Map<String, String> metadata) {
    this.store = Objects.requireNonNull(store, "store");
    this.contentType = Objects.requireNonNull(contentType, "contentType");
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.metadata = Map.copyOf(metadata);
  }

  /** Writes carry {@code metadata} (e.g. {@code scenegate=state}, marking scenegate's own). */
  public CompareAndSet withMetadata(Map<String, String> metadata) {
    return new CompareAndSet(store, contentType, backoff, metadata);
  }

  /** JSON documents, retried as {@link #RACES}. */
  public static CompareAndSet json(ObjectStore store) {
    return new CompareAndSet(store, "application/json", RACES);
  }

  /** What a decision made of the current document: write new bytes, or leave it. */
  public record Change<T>(byte[] write, T result) {
    public static <T> Change<T> write(byte[] bytes, T result) {
      return new Change<>(Objects.requireNonNull(bytes, "bytes"), result);
    }

    public static <T> Change<T> keep(T result) {
      return new Change<>(null, result);
    }
  }

  /** Decides on the current document (empty when there is none); may run once per race. */
  @FunctionalInterface
  public interface Decision<T> {
    Change<T> decide(Optional<ObjectContent> current) throws IOException;
  }

  /**
   * The decision's result, and the generation written ({@code written} is null when the decision
   * kept the document as it was).
   */
  public record Updated<T>(T result, ObjectInfo written) {}

  /** The current document, read as {@link ObjectStore#readCurrent} does. */
  public Optional<ObjectContent> read(String name, int maxBytes) throws IOException {
    return store.readCurrent(name, maxBytes);
  }

  /**
   * Writes {@code bytes} only if the object is still at {@code expectedGeneration} (0: only if
   * there is none).
   *
   * @throws PreconditionFailedException when someone else wrote it meanwhile
   */
  public ObjectInfo write(String name, byte[] bytes, long expectedGeneration) throws IOException {
    return store.write(name, bytes, contentType, metadata, expectation(expectedGeneration));
  }

  /**
   * Reads, decides and writes until a write wins or the decision keeps the document.
   *
   * @throws PreconditionFailedException when every attempt the backoff allows lost its race (an
   *     {@link ObjectKeptChangingException} when the last one lost it while reading)
   */
  public <T> Updated<T> update(String name, int maxBytes, Decision<T> decision) throws IOException {
    IOException lost = null;
    for (int attempt = 1; backoff.allows(attempt); attempt++) {
      if (attempt > 1) {
        backoff.pauseAfter(attempt - 1);
      }
      Optional<ObjectContent> current;
      try {
        current = read(name, maxBytes);
      } catch (ObjectKeptChangingException e) {
        lost = e; // writers so busy that no read saw a stable generation: the same lost race
        continue;
      }
      Change<T> change = decision.decide(current);
      if (change.write() == null) {
        return new Updated<>(change.result(), null);
      }
      try {
        ObjectInfo written =
            write(name, change.write(), current.map(ObjectContent::generation).orElse(0L));
        return new Updated<>(change.result(), written);
      } catch (PreconditionFailedException e) {
        lost = e; // someone else wrote between our read and our write: decide again
      }
    }
    throw lost != null
        ? lost
        : new PreconditionFailedException(store.describe(name), "no attempt allowed");
  }

  private static Precondition expectation(long generation) {
    return generation <= 0 ? Precondition.doesNotExist() : Precondition.generationMatch(generation);
  }
}
