/**
 * The scene layout vocabulary of DESIGN: scene ids, the scene folder, the stages with their whole
 * rule (markers, prerequisites, folders, what they check) and the scene's config.json. Depends only
 * on the storage port, so every feature package (pipeline, quality, backfill, alerts, the CLI) can
 * use it without a cycle.
 */
package dev.scenegate.scene;
