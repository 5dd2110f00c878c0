package dev.scenegate.storage;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LocalObjectStoreContractTest extends ObjectStoreContract {
  @TempDir Path root;

  @Override
  protected ObjectStore store() {
    return new LocalObjectStore(root);
  }
}
