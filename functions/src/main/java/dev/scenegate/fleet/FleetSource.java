package dev.scenegate.fleet;

import dev.scenegate.cli.CliException;
import dev.scenegate.cli.Console;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.cli.SceneTarget;
import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.storage.ObjectStore;
import java.time.Clock;

/**
 * What {@code scenes} and {@code board} both start from: the store named by {@code --bucket} or
 * {@code --dir} (through the per-scene commands' {@link SceneTarget}, so all accept and refuse the
 * same), the deadlines from the environment, and a {@link FleetReader} on the state prefix.
 */
final class FleetSource {
  private FleetSource() {}

  static FleetReader open(String bucket, String dir, String statePrefix, Console console)
      throws CliException {
    Deadlines deadlines;
    try {
      deadlines = Deadlines.fromEnvironment(console.env());
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.BAD_INPUT, "CONFIG_INVALID", e.getMessage());
    }
    ObjectStore store = SceneTarget.store(bucket, dir, console);
    return new FleetReader(
        store,
        statePrefix == null ? SceneStateStore.DEFAULT_PREFIX : statePrefix,
        deadlines,
        Clock.systemUTC(),
        FleetReader.DEFAULT_THREADS);
  }

  /** Where the states are read from, for people: {@code gs://b/_scenegate/state/} or a path. */
  static String describe(FleetReader reader) {
    return reader.store().describe(reader.prefix());
  }
}
