package dev.scenegate.ledger;

import dev.scenegate.storage.LocalObjectStore;
import dev.scenegate.storage.ObjectStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LocalDigestLedgerTest extends DigestLedgerContract {
  @TempDir Path root;

  @Override
  protected ObjectStore store() {
    return new LocalObjectStore(root);
  }

  @Override
  protected DigestLedger ledger(ObjectStore store) {
    return DigestLedger.local(store);
  }
}
