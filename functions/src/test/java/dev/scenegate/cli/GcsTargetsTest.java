package dev.scenegate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GcsTargetsTest {

  @ParameterizedTest
  @CsvSource({
    "gs://bkt/scenes/k1/assets, bkt, scenes/k1/assets/source_checksums.json",
    "gs://bkt/scenes/k1/assets/, bkt, scenes/k1/assets/source_checksums.json",
    "gs://bkt/scenes/k1/source_checksums.json, bkt, scenes/k1/source_checksums.json",
    "gs://bkt/scenes/k1/other.json, bkt, scenes/k1/other.json",
    "gs://bkt, bkt, source_checksums.json",
    "gs://bkt/, bkt, source_checksums.json",
    "gs://my.bucket_name-1/a, my.bucket_name-1, a/source_checksums.json",
  })
  void resolvesBucketAndManifestObject(String uri, String bucket, String manifest)
      throws Exception {
    GcsTargets.GcsLocation location = GcsTargets.parse(uri);
    assertEquals(bucket, location.bucket());
    assertEquals(manifest, location.manifestObject());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gs://",
        "gs:///scenes/x",
        "gs://UPPER/x",
        "gs://b/x",
        "gs://bkt/a//b",
        "gs://bkt/a/../b",
        "gs://bkt/./b",
        "gs://bkt/a\nb",
        "gs://bk t/a",
        "gs://bkt..x/a",
        // Names Cloud Storage never accepts: refused before any request (no retries).
        "gs://goog-scenes/a",
        "gs://my-google-bucket/a",
        "gs://192.168.0.1/a",
        "gs://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/a"
      })
  void rejectsInvalidUrisAsUsageErrors(String uri) {
    CliException e = assertThrows(CliException.class, () -> GcsTargets.parse(uri));
    assertEquals(ExitCodes.BAD_INPUT, e.exitCode());
    assertEquals("USAGE", e.kind());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }
}
