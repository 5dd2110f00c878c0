package dev.scenegate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.events.LocalEventPublisher;
import dev.scenegate.storage.LocalObjectStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scenegate local DIR} as a user runs it: the shaded jar in its own JVM, stopped with
 * SIGTERM (what Ctrl-C's shutdown path does), restarted with {@code --once}; and {@code scenegate
 * demo} from the jar.
 */
class LocalCommandIT {
  private static final Path JAR = Path.of("target/scenegate.jar");

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    started.forEach(Process::destroyForcibly);
  }

  /** A started jar with its stdout collected line by line. */
  private record Running(Process process, List<String> out) {}

  private Running start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectError(dir.resolveSibling(dir.getFileName() + "-stderr.txt").toFile());
    Process process = builder.start();
    started.add(process);
    List<String> out = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  out.add(line);
                }
              } catch (IOException e) {
                // Process gone.
              }
            });
    reader.setDaemon(true);
    reader.start();
    return new Running(process, out);
  }

  private String stderr() throws IOException {
    Path file = dir.resolveSibling(dir.getFileName() + "-stderr.txt");
    return Files.exists(file) ? Files.readString(file) : "";
  }

  private int events() throws IOException {
    return LocalEventPublisher.read(dir.resolve(LocalMode.EVENTS_FILE)).size();
  }

  @Test
  void watchesThenStopsCleanlyOnSigtermAndARestartRedoesNothing() throws Exception {
    Running local = start("local", dir.toString());
    Await.until(
        () -> local.out().stream().anyMatch(l -> l.startsWith("scenegate local: watching")),
        local::out);

    DemoScene scene = new DemoScene(new LocalObjectStore(dir), "kitchen_001");
    scene.run(scene.sourceImage());
    scene.run(scene.regen3d());
    Await.until(
        () -> local.out().stream().anyMatch(l -> l.contains("regen3d") && l.contains("-> passed")),
        local::out);
    int written = events();
    assertEquals(3, written); // source_image passed, e2e running, regen3d passed

    // SIGTERM, as Ctrl-C's shutdown path; through the handle, since Process.destroy() also closes
    // our end of the pipes and the last lines would be lost.
    local.process().toHandle().destroy();
    assertTrue(local.process().waitFor(60, TimeUnit.SECONDS), "still running after SIGTERM");
    Await.until(() -> local.out().contains("scenegate local: stopped"), local::out);
    assertFalse(stderr().contains("Exception"), stderr());

    Running again = start("local", dir.toString(), "--once");
    assertTrue(again.process().waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, again.process().exitValue(), stderr());
    Await.until(() -> again.out().stream().anyMatch(l -> l.contains("new marker(s)")), again::out);
    assertTrue(
        again.out().contains("scene kitchen_001: e2e running"), String.join("\n", again.out()));
    assertTrue(
        again.out().stream().anyMatch(l -> l.contains("0 new marker(s), 0 transition(s)")),
        String.join("\n", again.out()));
    assertEquals(written, events());
  }

  @Test
  void demoFromTheJarExitsZeroWithBothVerdicts() throws Exception {
    Running demo = start("demo");
    assertTrue(demo.process().waitFor(120, TimeUnit.SECONDS));
    Await.until(() -> demo.out().stream().anyMatch(l -> l.startsWith("demo ok")), demo::out);
    assertEquals(0, demo.process().exitValue(), stderr());
    assertTrue(demo.out().contains("verdict: demo_kitchen e2e passed"), demo.out().toString());
    assertTrue(demo.out().contains("verdict: demo_corrupt e2e failed"), demo.out().toString());
    assertEquals("", stderr());
  }
}
