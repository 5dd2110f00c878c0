package dev.scenegate.scene;

import java.util.List;
import java.util.Optional;

/**
 * The stages of DESIGN's table, in topological order (every prerequisite comes before the stages
 * that need it). {@code folder} is relative to {@code scenes/<scene_id>/} ("" for the scene root);
 * {@code markers} are the marker object names relative to the scene folder.
 *
 * <p>The one table of stages and markers: the marker function's state machine ({@code pipeline})
 * and the on-demand runbook check ({@code quality}) both read it. It lives in its own package
 * because {@code pipeline} depends on {@code quality} (the gates), so {@code quality} cannot depend
 * on {@code pipeline}.
 */
public enum Stage {
  SOURCE_IMAGE("source_image", "", List.of("source_checksums.json"), null),
  REGEN3D("regen3d", "assets", List.of("assets/.regen3d_complete"), null),
  VARIATION_ASSETS(
      "variation_assets",
      "variation_assets",
      List.of("variation_assets/.variation_pipeline_complete"),
      null),
  USD("usd", "usd", List.of("usd/.usd_complete"), null),
  GENIESIM_EXPORT(
      "geniesim_export",
      "geniesim",
      List.of("geniesim/.geniesim_submitted", "geniesim/.geniesim_complete"),
      VARIATION_ASSETS),
  EPISODES("episodes", "episodes", List.of("episodes/.episodes_complete"), USD),
  GENIESIM_IMPORT(
      "geniesim_import",
      "geniesim",
      List.of("geniesim/.geniesim_import_complete"),
      GENIESIM_EXPORT),
  DWM("dwm", "dwm", List.of("dwm/.dwm_complete"), REGEN3D);

  /** The marker that only says a Genie Sim export job was submitted: the stage is running. */
  public static final String GENIESIM_SUBMITTED = "geniesim/.geniesim_submitted";

  /** The per-scene configuration object, relative to the scene folder. */
  public static final String CONFIG = "config.json";

  /** What scenegate writes into a stage folder when the stage fails. */
  public static final String FAILED_MARKER = ".failed";

  private final String wireName;
  private final String folder;
  private final List<String> markers;
  private final Stage prerequisite;

  Stage(String wireName, String folder, List<String> markers, Stage prerequisite) {
    this.wireName = wireName;
    this.folder = folder;
    this.markers = markers;
    this.prerequisite = prerequisite;
  }

  /** The name used in events, state documents and the CLI. */
  public String wireName() {
    return wireName;
  }

  public String folder() {
    return folder;
  }

  public List<String> markers() {
    return markers;
  }

  public Optional<Stage> prerequisite() {
    return Optional.ofNullable(prerequisite);
  }

  /** Skipped when the scene's config.json says {@code "use_geniesim": false}. */
  public boolean geniesim() {
    return this == GENIESIM_EXPORT || this == GENIESIM_IMPORT;
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
