package dev.scenegate.sweep;

import dev.scenegate.audit.Audit;
import dev.scenegate.events.EventJson;
import dev.scenegate.events.EventPublisher;
import dev.scenegate.fleet.Deadlines;
import dev.scenegate.fleet.FleetReader;
import dev.scenegate.ledger.DigestLedger;
import dev.scenegate.pipeline.MarkerHandler;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.storage.ObjectStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The steps of a sweep, in order, the one place they are listed: reconcile first (a lost marker is
 * then processed before its stage could look stale), then the freshness check, then the
 * metadata-level audit. {@code scenegate sweep} and local mode's sweep both run these.
 */
public final class SweepSteps {
  private SweepSteps() {}

  /** Threads reading state documents for the freshness check and the audit. */
  private static final int READ_THREADS = 4;

  /**
   * @param data the data bucket (or the local folder)
   * @param handler the marker function's handler over it (its state store is the fleet's)
   * @param alerts where the freshness and fixity alerts go
   * @param ledger the digest ledger of {@code data}
   */
  public static List<SweepStep> standard(
      ObjectStore data,
      MarkerHandler handler,
      EventPublisher alerts,
      MeterRegistry registry,
      SweepMeters meters,
      Clock clock,
      Deadlines deadlines,
      DigestLedger ledger) {
    SceneStateStore states = handler.stateStore(data.bucket());
    // Daemon threads; one reader per sweep command, kept across local mode's sweeps (it caches
    // documents by generation).
    FleetReader fleet =
        new FleetReader(states.store(), states.prefix(), deadlines, clock, READ_THREADS);
    FreshnessCheck freshness = new FreshnessCheck(fleet, alerts, clock, registry);
    Audit audit = new Audit(data, fleet, ledger, alerts, clock, registry);
    return List.of(
        new Reconciler(data, handler, meters, clock, null, false),
        new SweepStep() {
          @Override
          public String name() {
            return "freshness";
          }

          @Override
          public Outcome run(BooleanSupplier stop) throws IOException {
            FreshnessCheck.Report report = freshness.run(stop);
            return new Outcome(
                EventJson.MAPPER.valueToTree(report),
                report.staleStages() > 0,
                report.errors().size(),
                report.complete());
          }
        },
        new SweepStep() {
          @Override
          public String name() {
            return "audit";
          }

          @Override
          public Outcome run(BooleanSupplier stop) throws IOException {
            Audit.Report report = audit.run(Audit.Options.metadata(), stop);
            return new Outcome(
                EventJson.MAPPER.valueToTree(report),
                !report.findings().isEmpty(),
                report.errors().size(),
                report.complete());
          }
        });
  }
}
