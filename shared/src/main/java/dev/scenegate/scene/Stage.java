package dev.scenegate.scene;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stages of DESIGN's table, each with its whole rule, in topological order (every prerequisite
 * comes before the stages that need it). This is the one place that answers "what does stage X
 * check, after what, and what happens on failure":
 *
 * <ul>
 *   <li>{@link #markers()}: the marker objects (relative to {@code scenes/<scene_id>/}) that
 *       trigger it; {@link #runningMarker()} is the one that only says the stage is running
 *   <li>{@link #prerequisite()}: the stage that must pass (or be skipped) first; until then the
 *       stage is {@code waiting}
 *   <li>{@link #check()}: what a marker vouches for (a checksum manifest, a quality gate, or
 *       nothing beyond the prerequisite)
 *   <li>{@link #skippedBy(SceneConfig)}: when config.json skips it
 *   <li>{@link #folder()}: where a failure's {@code .failed} marker goes; a failed {@link
 *       Check#kind() checksum} check raises a {@code checksum_failure} alert, a failed gate a
 *       {@code gate_failure} alert
 * </ul>
 *
 * <p>The marker function's state machine ({@code pipeline}), the on-demand runbook check ({@code
 * quality}) and the CLI all read it. It lives in its own package because {@code pipeline} depends
 * on {@code quality} (the gates), so {@code quality} cannot depend on {@code pipeline}.
 */
public enum Stage {
  SOURCE_IMAGE(
      "source_image",
      "",
      List.of("source_checksums.json"),
      null,
      Check.checksums("source_checksums.json", "source image")),
  REGEN3D(
      "regen3d",
      "assets",
      List.of("assets/.regen3d_complete"),
      null,
      Check.checksums(Stage.ASSETS_MANIFEST, "asset")),
  VARIATION_ASSETS(
      "variation_assets",
      "variation_assets",
      List.of("variation_assets/.variation_pipeline_complete"),
      null,
      Check.checksums(Stage.ASSETS_MANIFEST, "asset")),
  USD(
      "usd",
      "usd",
      List.of("usd/.usd_complete"),
      null,
      Check.checksums(Stage.ASSETS_MANIFEST, "asset")),
  /**
   * {@code .geniesim_submitted} moves it to {@code running} only while no {@code
   * .geniesim_complete} was seen; the complete decides (a later submitted changes no status).
   */
  GENIESIM_EXPORT(
      "geniesim_export",
      "geniesim",
      List.of(Stage.GENIESIM_SUBMITTED, "geniesim/.geniesim_complete"),
      VARIATION_ASSETS,
      Check.gate(Gate.GENIESIM_EXPORT)),
  EPISODES(
      "episodes",
      "episodes",
      List.of("episodes/.episodes_complete"),
      USD,
      Check.gate(Gate.EPISODES)),
  GENIESIM_IMPORT(
      "geniesim_import",
      "geniesim",
      List.of("geniesim/.geniesim_import_complete"),
      GENIESIM_EXPORT,
      Check.gate(Gate.GENIESIM_IMPORT)),
  /** Nothing to check beyond its prerequisite (DESIGN). */
  DWM("dwm", "dwm", List.of("dwm/.dwm_complete"), REGEN3D, Check.nothing());

  /** The marker that only says a Genie Sim export job was submitted: the stage is running. */
  public static final String GENIESIM_SUBMITTED = "geniesim/.geniesim_submitted";

  /** The manifest regen3d, variation_assets and usd vouch for. */
  public static final String ASSETS_MANIFEST = "assets/source_checksums.json";

  /** The per-scene configuration object, relative to the scene folder. */
  public static final String CONFIG = SceneConfig.FILE_NAME;

  /** What scenegate writes into a stage folder when the stage fails. */
  public static final String FAILED_MARKER = ".failed";

  /** The quality gates of the runbook (seed 002); their criteria live in {@code QualityGates}. */
  public enum Gate {
    /**
     * {@code geniesim/job.json} exists; {@code geniesim/export_manifest.json} has source_assets.
     */
    GENIESIM_EXPORT("geniesim/export_manifest.json", "Genie Sim export checks"),
    /**
     * The quality gate preflight: {@code episodes/quality/validation_report.json} thresholds and
     * {@code episode-generation-job/quality_gate_report.json} (or, legacy, every {@code
     * episodes/**}{@code /quality_certificate.json}); any mock indicator fails.
     */
    EPISODES("episodes/quality/validation_report.json", "quality gate preflight"),
    /** {@code episodes/import_manifest.json}: average score, threshold, passed episodes. */
    GENIESIM_IMPORT("episodes/import_manifest.json", "import manifest checks");

    private final String report;
    private final String title;

    Gate(String report, String title) {
      this.report = report;
      this.title = title;
    }

    /** The gate's main report, relative to the scene folder. */
    public String report() {
      return report;
    }

    /** What the gate is called in {@code check}'s table. */
    public String title() {
      return title;
    }
  }

  /**
   * What a stage's marker vouches for: a checksum manifest (relative to the scene folder) that
   * verifies, a quality gate that passes, or nothing.
   */
  public record Check(Kind kind, String manifest, String label, Gate gate) {
    public enum Kind {
      CHECKSUMS,
      GATE,
      NOTHING
    }

    static Check checksums(String manifest, String label) {
      return new Check(Kind.CHECKSUMS, manifest, label, null);
    }

    static Check gate(Gate gate) {
      return new Check(Kind.GATE, null, null, gate);
    }

    static Check nothing() {
      return new Check(Kind.NOTHING, null, null, null);
    }
  }

  private final String wireName;
  private final String folder;
  private final List<String> markers;
  private final Stage prerequisite;
  private final Check check;

  Stage(String wireName, String folder, List<String> markers, Stage prerequisite, Check check) {
    this.wireName = wireName;
    this.folder = folder;
    this.markers = markers;
    this.prerequisite = prerequisite;
    this.check = check;
  }

  /** The name used in events, state documents and the CLI. */
  public String wireName() {
    return wireName;
  }

  /** Relative to the scene folder ("" for the scene root). */
  public String folder() {
    return folder;
  }

  /** The marker objects, relative to the scene folder. */
  public List<String> markers() {
    return markers;
  }

  public Optional<Stage> prerequisite() {
    return Optional.ofNullable(prerequisite);
  }

  public Check check() {
    return check;
  }

  /** The marker that says the stage is running, not that it finished (geniesim_export only). */
  public Optional<String> runningMarker() {
    return this == GENIESIM_EXPORT ? Optional.of(GENIESIM_SUBMITTED) : Optional.empty();
  }

  /** The Genie Sim stages, which config.json can switch off. */
  public boolean geniesim() {
    return this == GENIESIM_EXPORT || this == GENIESIM_IMPORT;
  }

  /**
   * Skipped when a valid config.json says {@code use_geniesim} false. An invalid config skips
   * nothing (DESIGN: the Genie Sim stages are then required).
   */
  public boolean skippedBy(SceneConfig config) {
    return geniesim() && config != null && config.valid() && !config.useGeniesim();
  }

  /**
   * Of the marker objects seen (full object name to newest generation), the one that decides the
   * stage: its deciding marker when seen at all, otherwise its running marker; empty when none was
   * seen. A running marker after a decided one is kept but decides nothing (DESIGN: Genie Sim
   * export); a re-run is decided by a newer generation of the deciding marker.
   */
  public Optional<String> decidingObject(String sceneId, Map<String, Long> seen) {
    String running = runningMarker().map(m -> markerObject(sceneId, m)).orElse(null);
    String fallback = null;
    for (String marker : markers) {
      String object = markerObject(sceneId, marker);
      if (!seen.containsKey(object)) {
        continue;
      }
      if (object.equals(running)) {
        fallback = object;
      } else {
        return Optional.of(object);
      }
    }
    return Optional.ofNullable(fallback);
  }

  /** Whether {@code relativeMarker} only says the stage is running. */
  public boolean isRunningMarker(String relativeMarker) {
    return runningMarker().map(relativeMarker::equals).orElse(false);
  }

  /** {@code scenes/<scene_id>/<folder>/.failed}. */
  public String failedMarker(String sceneId) {
    return scenePrefix(sceneId) + (folder.isEmpty() ? "" : folder + "/") + FAILED_MARKER;
  }

  /** The full object name of one of this stage's markers. */
  public String markerObject(String sceneId, String relativeMarker) {
    return scenePrefix(sceneId) + relativeMarker;
  }

  /** {@code scenes/<scene_id>/}; see {@link SceneIds#folder}. */
  public static String scenePrefix(String sceneId) {
    return SceneIds.folder(sceneId);
  }

  public static Optional<Stage> fromWireName(String name) {
    for (Stage stage : values()) {
      if (stage.wireName.equals(name)) {
        return Optional.of(stage);
      }
    }
    return Optional.empty();
  }
}
