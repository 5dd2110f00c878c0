package dev.scenegate.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * The scene's end-to-end verdict in its state: the delivery that last changed it, and its trail.
 */
record E2eRecord(
    Verdict verdict, String bucket, MarkerRef trigger, String updatedAt, List<Transition> history) {

  public static final int MAX_HISTORY = 50;

  public E2eRecord {
    verdict = verdict == null ? Verdict.PENDING : verdict;
    history = history == null ? List.of() : List.copyOf(history);
  }

  E2eRecord moved(Verdict to, String byBucket, MarkerRef by, String at, Transition transition) {
    List<Transition> next = new ArrayList<>(history);
    next.add(transition);
    return new E2eRecord(
        to, byBucket, by, at, next.subList(Math.max(0, next.size() - MAX_HISTORY), next.size()));
  }
}
