package dev.scenegate.regression;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.manifest.ChecksumManifest;
import dev.scenegate.manifest.ManifestCodec;
import dev.scenegate.manifest.ManifestInvalidException;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.ObjectTooLargeException;
import dev.scenegate.verify.ManifestMissingException;
import dev.scenegate.verify.VerificationReport;
import dev.scenegate.verify.Verifier;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Computes the golden-dataset regression metrics (runbook "Quality Drift Guard") from an episode
 * bundle: a folder (the store's root) laid out as
 *
 * <pre>
 * episodes/*.json        one JSON object per episode (top level of episodes/ only):
 *                          episode_id     non-empty string, unique in the bundle
 *                          quality_score  number in [0, 1]
 *                          duration_s     number &gt;= 0 (seconds)
 *                          collisions     whole number &gt;= 0 (collisions in the episode)
 *                        other fields are ignored
 * checksums.json         seed-format checksum manifest; keys relative to the bundle folder
 * import_manifest.json   used when there is no checksums.json: its "checksums" object has the
 *                        shape of a manifest's "files" ({path: {sha256, size_bytes}})
 * </pre>
 *
 * <p>Metrics (see {@link #NAMES}): {@code episode_count}; {@code
 * quality_score.mean/min/p10/p50/p90}; {@code collision_rate} (fraction of episodes with at least
 * one collision); {@code duration_s.mean/p50/p90}; {@code checksum_files} (files the checksums
 * list) and {@code checksum_consistency} (fraction of those whose size and SHA-256 match, verified
 * with {@link Verifier}). Percentiles interpolate linearly between the closest ranks (numpy's
 * default).
 */
public final class DatasetMetrics {
  public static final String EPISODES_DIR = "episodes/";
  public static final String CHECKSUMS = "checksums.json";
  public static final String IMPORT_MANIFEST = "import_manifest.json";

  /** Every metric, in report order. */
  public static final List<String> NAMES =
      List.of(
          "episode_count",
          "quality_score.mean",
          "quality_score.min",
          "quality_score.p10",
          "quality_score.p50",
          "quality_score.p90",
          "collision_rate",
          "duration_s.mean",
          "duration_s.p50",
          "duration_s.p90",
          "checksum_files",
          "checksum_consistency");

  static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final ObjectStore store;
  private final Verifier verifier;

  /** {@code store} is the bundle folder; {@code verifier} checks the bundle's checksums. */
  public DatasetMetrics(ObjectStore store, Verifier verifier) {
    this.store = store;
    this.verifier = verifier;
  }

  /** One episode as the bundle records it. */
  public record Episode(String episodeId, double qualityScore, double durationS, long collisions) {}

  /**
   * The metrics by name ({@link #NAMES} order), the episodes they came from, and the checksum
   * failures behind {@code checksum_consistency} (so a report can name the files).
   */
  public record Result(
      Map<String, Double> metrics,
      List<Episode> episodes,
      List<dev.scenegate.verify.FileFailure> checksumFailures) {
    public Result {
      metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
      episodes = List.copyOf(episodes);
      checksumFailures = List.copyOf(checksumFailures);
    }

    public Result(Map<String, Double> metrics, List<Episode> episodes) {
      this(metrics, episodes, List.of());
    }
  }

  public Result compute() throws IOException, BundleInvalidException {
    List<Episode> episodes = episodes();
    VerificationReport checksums = checksums();

    double[] scores = episodes.stream().mapToDouble(Episode::qualityScore).sorted().toArray();
    double[] durations = episodes.stream().mapToDouble(Episode::durationS).sorted().toArray();
    long collided = episodes.stream().filter(e -> e.collisions() > 0).count();

    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("episode_count", (double) episodes.size());
    metrics.put("quality_score.mean", mean(scores));
    metrics.put("quality_score.min", scores[0]);
    metrics.put("quality_score.p10", percentile(scores, 0.10));
    metrics.put("quality_score.p50", percentile(scores, 0.50));
    metrics.put("quality_score.p90", percentile(scores, 0.90));
    metrics.put("collision_rate", (double) collided / episodes.size());
    metrics.put("duration_s.mean", mean(durations));
    metrics.put("duration_s.p50", percentile(durations, 0.50));
    metrics.put("duration_s.p90", percentile(durations, 0.90));
    int files = checksums.filesChecked();
    metrics.put("checksum_files", (double) files);
    metrics.put("checksum_consistency", (double) (files - checksums.failures().size()) / files);
    return new Result(metrics, episodes, checksums.failures());
  }

  /** Linear interpolation between closest ranks of sorted {@code values}. */
  static double percentile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** Summed in sorted order, so the result does not depend on listing order. */
  static double mean(double[] sorted) {
    return Arrays.stream(sorted).sum() / sorted.length;
  }

  private List<Episode> episodes() throws IOException, BundleInvalidException {
    List<Episode> episodes = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (ObjectInfo info : store.list(EPISODES_DIR)) {
      String name = info.name();
      String rest = name.substring(EPISODES_DIR.length());
      if (rest.contains("/") || rest.startsWith(".") || !rest.endsWith(".json")) {
        continue;
      }
      Episode episode = episode(name, read(name));
      if (!ids.add(episode.episodeId())) {
        throw new BundleInvalidException(
            name + ": episode_id \"" + clip(episode.episodeId()) + "\" appears twice");
      }
      episodes.add(episode);
    }
    if (episodes.isEmpty()) {
      throw new BundleInvalidException(
          "no episodes/*.json in " + store.bucket() + " (see the bundle format in --help)");
    }
    return episodes;
  }

  private static Episode episode(String name, JsonNode root) throws BundleInvalidException {
    JsonNode id = root.get("episode_id");
    if (id == null || !id.isTextual() || id.textValue().isBlank()) {
      throw new BundleInvalidException(name + ": episode_id must be a non-empty string");
    }
    double score = number(name, root, "quality_score");
    if (score < 0 || score > 1) {
      throw new BundleInvalidException(name + ": quality_score " + score + " is outside 0..1");
    }
    double duration = number(name, root, "duration_s");
    if (duration < 0) {
      throw new BundleInvalidException(name + ": duration_s " + duration + " is negative");
    }
    JsonNode collisions = root.get("collisions");
    if (collisions == null
        || !collisions.isIntegralNumber()
        || !collisions.canConvertToLong()
        || collisions.longValue() < 0) {
      throw new BundleInvalidException(
          name + ": collisions must be a whole number >= 0, got " + show(collisions));
    }
    return new Episode(id.textValue(), score, duration, collisions.longValue());
  }

  private static double number(String name, JsonNode root, String field)
      throws BundleInvalidException {
    JsonNode node = root.get(field);
    if (node == null || !node.isNumber() || !Double.isFinite(node.doubleValue())) {
      throw new BundleInvalidException(
          name + ": " + field + " must be a finite number, got " + show(node));
    }
    return node.doubleValue();
  }

  private VerificationReport checksums() throws IOException, BundleInvalidException {
    try {
      if (store.stat(CHECKSUMS).isPresent()) {
        return verifier.verify(CHECKSUMS, false);
      }
      Optional<ObjectInfo> imported = store.stat(IMPORT_MANIFEST);
      if (imported.isPresent()) {
        JsonNode section = read(IMPORT_MANIFEST).get("checksums");
        if (section == null || !section.isObject()) {
          throw new BundleInvalidException(
              IMPORT_MANIFEST + ": no \"checksums\" object (and no " + CHECKSUMS + ")");
        }
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schema_version", ChecksumManifest.CURRENT_SCHEMA_VERSION);
        manifest.set("files", section);
        ChecksumManifest parsed =
            ManifestCodec.parse(
                JSON.writeValueAsBytes(manifest), store.describe(IMPORT_MANIFEST) + " checksums");
        return verifier.verify(IMPORT_MANIFEST, parsed, false);
      }
    } catch (ManifestInvalidException e) {
      throw new BundleInvalidException(e.getMessage());
    } catch (ManifestMissingException e) {
      throw new BundleInvalidException(CHECKSUMS + " disappeared while being read");
    }
    throw new BundleInvalidException(
        "no " + CHECKSUMS + " or " + IMPORT_MANIFEST + " in " + store.bucket());
  }

  private JsonNode read(String name) throws IOException, BundleInvalidException {
    byte[] bytes;
    try {
      ObjectInfo info =
          store.stat(name).orElseThrow(() -> new NoSuchFileException(store.describe(name)));
      bytes = store.readSmall(name, info.generation(), MAX_FILE_BYTES);
    } catch (ObjectTooLargeException e) {
      throw new BundleInvalidException(e.getMessage());
    } catch (NoSuchFileException e) {
      throw new BundleInvalidException(name + ": disappeared while being read");
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new BundleInvalidException(name + ": not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw new BundleInvalidException(name + ": not a JSON object");
    }
    return root;
  }

  static String show(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return node.isTextual() ? "\"" + clip(node.textValue()) + "\"" : clip(node.toString());
  }

  static String clip(String text) {
    String flat = text.replaceAll("\\p{Cntrl}", "?");
    return flat.length() > 60 ? flat.substring(0, 60) + "..." : flat;
  }
}
