package dev.scenegate.ledger;

import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.testing.Emulators;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same contract against fake-gcs-server, the ledger in the bucket's own state prefix. */
class GcsDigestLedgerIT extends DigestLedgerContract {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsOnly();

  @Override
  protected ObjectStore store() {
    return new GcsObjectStore(EMULATORS.gcs().storage(), EMULATORS.gcs().createBucket("ledger"));
  }

  @Override
  protected DigestLedger ledger(ObjectStore store) {
    return DigestLedger.forBucket(store, store.bucket());
  }
}
