/**
 * The scene layout vocabulary of DESIGN: scene ids, the scene folder, the stages with their
 * folders, markers and prerequisites. Depends on nothing else in scenegate, so every feature
 * package (pipeline, quality, backfill, alerts, the CLI) can use it without a cycle.
 */
package dev.scenegate.scene;
