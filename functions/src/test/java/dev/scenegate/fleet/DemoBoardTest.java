package dev.scenegate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo --keep} ends with the command that opens the board on the kept folder. */
class DemoBoardTest {
  @Test
  void demoKeepEndsWithTheBoardCommand(@TempDir Path out) throws Exception {
    FleetCli demo = FleetCli.run(Map.of(), "demo", "--keep");
    assertEquals(0, demo.exit(), demo.toString());
    List<String> lines = demo.out().lines().toList();
    String last = lines.get(lines.size() - 1);
    String prefix = "see the fleet in the browser: scenegate board --dir ";
    assertTrue(last.startsWith(prefix), last);
    Path dir = Path.of(last.substring(prefix.length()));
    try {
      JsonNode fleet = FleetCli.run(Map.of(), "scenes", "--dir", dir.toString(), "--json").json();
      assertEquals(1, fleet.path("counts").path("failed").asInt());
      assertEquals(1, fleet.path("counts").path("passed").asInt());
      Path page = out.resolve("demo.html");
      FleetCli board =
          FleetCli.run(Map.of(), "board", "--dir", dir.toString(), "--html", page.toString());
      assertEquals(0, board.exit(), board.toString());
      assertTrue(Files.readString(page).contains("demo_corrupt"));
    } finally {
      try (var walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
