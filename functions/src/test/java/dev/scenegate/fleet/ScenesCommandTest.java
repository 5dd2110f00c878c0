package dev.scenegate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scenegate.cli.ExitCodes;
import dev.scenegate.storage.LocalObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scenegate scenes --dir}: the fleet of a local folder, through the CLI. */
class ScenesCommandTest {
  @TempDir Path dir;

  @BeforeEach
  void fleet() throws Exception {
    // The scenes' times are relative to now: the command judges staleness by the real clock.
    new FleetScenes(new LocalObjectStore(dir), Instant.now()).writeAll();
  }

  private FleetCli scenes(String... args) {
    List<String> argv = new ArrayList<>(List.of("scenes", "--dir", dir.toString()));
    argv.addAll(List.of(args));
    return FleetCli.run(Map.of(), argv.toArray(String[]::new));
  }

  @Test
  void aTableFailuresFirst() {
    FleetCli cli = scenes();
    assertEquals(ExitCodes.OK, cli.exit(), cli.toString());
    assertEquals("", cli.err());
    List<String> lines = cli.out().lines().toList();
    assertTrue(
        lines
            .get(0)
            .matches("SCENE\\s+VERDICT\\s+LAST CHANGE\\s+FAILED\\s+WAITING\\s+RUNNING\\s+STALE"),
        lines.get(0));
    List<String> order = new ArrayList<>();
    for (String line : lines.subList(1, 1 + FleetScenes.FLEET_ORDER.size())) {
      order.add(FleetScenes.FLEET_ORDER.stream().filter(line::startsWith).findFirst().orElse(line));
    }
    assertEquals(FleetScenes.FLEET_ORDER, order);
    String failed = row(cli, FleetScenes.FAILED);
    assertTrue(
        failed.matches(FleetScenes.FAILED + "\\s+failed\\s+\\S+Z\\s+regen3d\\s+dwm\\s+-\\s+-"),
        failed);
    assertTrue(row(cli, FleetScenes.RUNNING_STALE).contains("geniesim_export running since "));
    assertTrue(row(cli, FleetScenes.BROKEN).contains("state unreadable: not JSON"));
    assertTrue(cli.out().contains("8 scene(s) under "), cli.out());
    assertTrue(
        cli.out().contains(": 2 failed, 2 unreadable, 3 running, 1 passed; 2 with a stale stage"),
        cli.out());
  }

  @Test
  void filters() {
    FleetCli failed = scenes("--failed");
    assertEquals(ExitCodes.OK, failed.exit());
    assertEquals(List.of(FleetScenes.HTML_FILES, FleetScenes.FAILED), firstColumn(failed));
    assertTrue(failed.out().contains("shown: 2 failed"), failed.out());
    assertEquals(
        List.of(FleetScenes.RUNNING_STALE, FleetScenes.WAITING_STALE),
        firstColumn(scenes("--stale")));
    assertEquals(4, firstColumn(scenes("--stale", "--failed")).size());
  }

  @Test
  void jsonAsDesignShowsIt() throws Exception {
    FleetCli cli = scenes("--json");
    assertEquals(ExitCodes.OK, cli.exit(), cli.toString());
    JsonNode json = cli.json();
    List<String> ids = new ArrayList<>();
    json.path("scenes").forEach(s -> ids.add(s.path("scene_id").asText()));
    assertEquals(FleetScenes.FLEET_ORDER, ids);
    JsonNode failed = json.path("scenes").get(1);
    assertEquals("failed", failed.path("verdict").asText());
    assertEquals("regen3d", failed.path("failed_stages").get(0).asText());
    assertEquals("dwm", failed.path("waiting_stages").get(0).asText());
    assertTrue(failed.path("running_stages").isArray());
    assertTrue(failed.path("stale").isArray());
    assertTrue(Instant.parse(failed.path("updated_at").asText()).isBefore(Instant.now()));
    JsonNode stale = json.path("scenes").get(4).path("stale").get(0);
    assertEquals("geniesim_export", stale.path("stage").asText());
    Instant.parse(stale.path("since").asText());
    assertEquals(2, json.path("counts").path("unreadable").asInt());
    assertEquals(3, json.path("counts").path("running").asInt());
    assertEquals(1, json.path("counts").path("passed").asInt());

    JsonNode onlyFailed = scenes("--json", "--failed").json();
    assertEquals(2, onlyFailed.path("scenes").size());
    assertEquals(2, onlyFailed.path("counts").path("failed").asInt());
    assertEquals(0, onlyFailed.path("counts").path("passed").asInt());
  }

  @Test
  void aFolderWithoutStatesIsAnEmptyFleet(@TempDir Path empty) throws Exception {
    FleetCli cli = FleetCli.run(Map.of(), "scenes", "--dir", empty.toString());
    assertEquals(ExitCodes.OK, cli.exit(), cli.toString());
    assertTrue(cli.out().startsWith("no scene states under "), cli.out());
    JsonNode json = FleetCli.run(Map.of(), "scenes", "--dir", empty.toString(), "--json").json();
    assertEquals(0, json.path("scenes").size());
  }

  @Test
  void badInputIsExitTwoWithOneLine() throws Exception {
    FleetCli both = FleetCli.run(Map.of(), "scenes", "--dir", dir.toString(), "--bucket", "b");
    assertEquals(ExitCodes.BAD_INPUT, both.exit());
    assertEquals(
        "scenegate scenes: give exactly one of --bucket B or --dir DIR", both.oneErrorLine());

    FleetCli missing = FleetCli.run(Map.of(), "scenes", "--dir", dir.resolve("nope").toString());
    assertEquals(ExitCodes.BAD_INPUT, missing.exit());
    assertTrue(missing.oneErrorLine().contains("no such folder"), missing.err());

    FleetCli badSla =
        FleetCli.run(Map.of("SLA_WAITING", "a day"), "scenes", "--dir", dir.toString(), "--json");
    assertEquals(ExitCodes.BAD_INPUT, badSla.exit());
    JsonNode error = badSla.json();
    assertEquals("CONFIG_INVALID", error.path("error").path("kind").asText());
    assertTrue(error.path("scenes").isArray());
    assertTrue(badSla.oneErrorLine().contains("SLA_WAITING='a day'"), badSla.err());

    FleetCli unknown = scenes("--json", "--colour");
    assertEquals(ExitCodes.BAD_INPUT, unknown.exit());
    assertEquals("USAGE", unknown.json().path("error").path("kind").asText());

    FleetCli positional = scenes("kitchen_1");
    assertEquals(ExitCodes.BAD_INPUT, positional.exit());
    positional.oneErrorLine();
  }

  @Test
  void slaFromTheEnvironmentDecidesWhatIsStale() throws Exception {
    FleetCli cli =
        FleetCli.run(
            Map.of("SLA_GENIESIM_EXPORT", "PT11H", "SLA_WAITING", "PT1M"),
            "scenes",
            "--dir",
            dir.toString(),
            "--stale",
            "--json");
    List<String> ids = new ArrayList<>();
    cli.json().path("scenes").forEach(s -> ids.add(s.path("scene_id").asText()));
    // attic's 10 hours are within its 11; a scene waiting longer than a minute is stale. Failures
    // first, then by last change.
    assertEquals(List.of(FleetScenes.FAILED, FleetScenes.WAITING, FleetScenes.WAITING_STALE), ids);
  }

  @Test
  void controlCharactersInNamesAreNotPrintedRaw() throws Exception {
    Files.writeString(dir.resolve("_scenegate/state/bell\u0007.json"), "nope");
    FleetCli cli = scenes();
    assertTrue(cli.out().contains("bell?"), cli.out());
    assertTrue(!cli.out().contains("\u0007"));
  }

  private static String row(FleetCli cli, String id) {
    return cli.out().lines().filter(l -> l.startsWith(id + " ")).findFirst().orElseThrow();
  }

  private static List<String> firstColumn(FleetCli cli) {
    List<String> ids = new ArrayList<>();
    for (String line : cli.out().lines().skip(1).toList()) {
      if (line.isBlank()) {
        break;
      }
      ids.add(line.split("\\s+")[0]);
    }
    return ids;
  }
}
