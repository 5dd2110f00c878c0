package dev.scenegate.verify;

import dev.scenegate.storage.GcsObjectStore;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.testing.Emulators;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sliced-read contract against fake-gcs-server: real ranged downloads, real crc32c. */
class SlicedDigestIT extends SlicedDigestContract {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsOnly();

  @Override
  protected ObjectStore store() {
    return new GcsObjectStore(EMULATORS.gcs().storage(), EMULATORS.gcs().createBucket("sliced"));
  }
}
