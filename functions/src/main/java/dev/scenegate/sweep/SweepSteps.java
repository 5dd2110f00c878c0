package dev.scenegate.sweep;

import dev.scenegate.events.EventPublisher;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.storage.ObjectStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of a sweep, in order, the one place they are listed: reconcile first (a lost marker is
 * then processed before its stage could look stale), then the freshness check, then the
 * metadata-level audit. {@code scenegate sweep} and local mode's sweep both run these.
 */
public final class SweepSteps {
  private SweepSteps() {}

  /**
   * @param data the data bucket (or the local folder)
   * @param handler the marker function's handler over it
   * @param alerts where the freshness and fixity alerts go
   */
  public static List<SweepStep> standard(
      ObjectStore data,
      MarkerHandler handler,
      EventPublisher alerts,
      SweepMeters meters,
      Clock clock) {
    List<SweepStep> steps = new ArrayList<>();
    steps.add(new Reconciler(data, handler, meters, clock, null, false));
    // The freshness check and the metadata-level audit join here once they are built.
    return steps;
  }
}
