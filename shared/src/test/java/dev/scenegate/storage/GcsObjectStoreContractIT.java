package dev.scenegate.storage;

import dev.scenegate.testing.Emulators;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same contract against fake-gcs-server: a fresh bucket per test. */
class GcsObjectStoreContractIT extends ObjectStoreContract {
  @RegisterExtension static final Emulators EMULATORS = Emulators.gcsOnly();

  @Override
  protected boolean enforcesMetageneration() {
    return false;
  }

  /**
   * fake-gcs-server v1.55.1 ignores ifGenerationMatch on DELETE; GcsObjectStoreHttpTest checks it.
   */
  @Override
  protected boolean enforcesDeletePrecondition() {
    return false;
  }

  @Override
  protected String metagenerationGap() {
    return "fake-gcs-server v1.55.1 keeps metageneration at 1 and ignores ifMetagenerationMatch;"
        + " GcsObjectStoreHttpTest checks the request and the 412 mapping instead";
  }

  @Override
  protected ObjectStore store() {
    return new GcsObjectStore(EMULATORS.gcs().storage(), EMULATORS.gcs().createBucket("contract"));
  }
}
