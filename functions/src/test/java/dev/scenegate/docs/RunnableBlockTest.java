package dev.scenegate.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunnableBlockTest {

  @Test
  void onlyBlocksMarkedRunnableAreTaken() {
    List<RunnableBlock> blocks =
        RunnableBlock.parse(
            "page.md",
            List.of(
                "# page",
                "```bash",
                "./scenegate local /data/bucket   # illustration only",
                "```",
                "```bash runnable",
                "./scenegate demo",
                "```",
                "```json",
                "{ \"runnable\": false }",
                "```"));

    assertEquals(List.of(new RunnableBlock("page.md", 5, false, "./scenegate demo\n")), blocks);
  }

  @Test
  void devStackBlocksAreMarkedAsSuch() {
    List<RunnableBlock> blocks =
        RunnableBlock.parse(
            "page.md", List.of("```bash runnable dev-stack", "echo \"$BUCKET\"", "```"));

    assertTrue(blocks.get(0).devStack());
  }

  @Test
  void aBlockInAListItemLosesItsIndentationAndKeepsDeeperOnes() {
    List<RunnableBlock> blocks =
        RunnableBlock.parse(
            "page.md",
            List.of(
                "- a step:",
                "",
                "  ```bash runnable",
                "  for f in a b; do",
                "    echo \"$f\"",
                "  done",
                "  ```"));

    assertEquals("for f in a b; do\n  echo \"$f\"\ndone\n", blocks.get(0).script());
    assertEquals(3, blocks.get(0).line());
  }

  @Test
  void aLongerFenceHoldsShorterOnes() {
    List<RunnableBlock> blocks =
        RunnableBlock.parse(
            "page.md", List.of("````bash runnable", "cat <<'EOF'", "```", "EOF", "````"));

    assertEquals("cat <<'EOF'\n```\nEOF\n", blocks.get(0).script());
  }

  @Test
  void mistakesInTheMarkFailInsteadOfSkippingTheBlock() {
    assertThrows(
        IllegalArgumentException.class,
        () -> RunnableBlock.parse("p.md", List.of("```sh runnable", "true", "```")));
    assertThrows(
        IllegalArgumentException.class,
        () -> RunnableBlock.parse("p.md", List.of("```bash runnable devstack", "true", "```")));
    assertThrows(
        IllegalArgumentException.class,
        () -> RunnableBlock.parse("p.md", List.of("```bash runnable", "true")));
  }
}
