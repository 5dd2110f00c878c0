package dev.scenegate.testing;

import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestEntry;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.Precondition;
import dev.scenegate.verify.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes small scene folders with their checksum manifest into any {@link ObjectStore}. */
public final class Scenes {
  private Scenes() {}

  /**
   * Writes {@code files} (paths relative to {@code folder}, which ends in '/' or is empty) and a
   * manifest listing them at {@code folder + source_checksums.json}; returns the manifest.
   */
  public static ChecksumManifest put(ObjectStore store, String folder, Map<String, byte[]> files)
      throws IOException {
    List<ManifestEntry> entries = new ArrayList<>();
    for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
      store.write(folder + file.getKey(), file.getValue(), null, Map.of(), Precondition.none());
      entries.add(
          ManifestEntry.of(file.getKey(), Sha256.hex(file.getValue()), file.getValue().length));
    }
    ChecksumManifest manifest =
        ChecksumManifest.of("2026-11-22T18:00:00Z", "/mnt/gcs/" + folder, entries);
    store.write(
        folder + ChecksumManifest.FILE_NAME,
        ManifestCodec.write(manifest),
        "application/json",
        Map.of(),
        Precondition.none());
    return manifest;
  }

  /** A typical small assets folder: three files, one nested. */
  public static Map<String, byte[]> sampleAssets() {
    Map<String, byte[]> files = new TreeMap<>();
    files.put("obj_1/asset.glb", "glTF binary of obj_1".getBytes(StandardCharsets.UTF_8));
    files.put(
        "obj_2/asset.glb", "glTF binary of obj_2, a bit longer".getBytes(StandardCharsets.UTF_8));
    files.put("scene.usda", "#usda 1.0\n".getBytes(StandardCharsets.UTF_8));
    return files;
  }
}
