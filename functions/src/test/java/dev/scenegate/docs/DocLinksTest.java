package dev.scenegate.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of README.md and docs/*.md leads somewhere: the file exists, and a {@code
 * #anchor} names a heading of the page it points at (GitHub's heading ids).
 */
class DocLinksTest {
  private static final Path REPO = Path.of("").toAbsolutePath().getParent();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");

  @Test
  void everyRelativeLinkLeadsToAFileAndAHeading() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(REPO.resolve("README.md"));
    try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      for (String link : links(Files.readAllLines(page, StandardCharsets.UTF_8))) {
        if (link.matches("^[a-z]+:.*")) {
          continue; // https:, mailto: ...
        }
        checked++;
        String file = link.contains("#") ? link.substring(0, link.indexOf('#')) : link;
        String anchor = link.contains("#") ? link.substring(link.indexOf('#') + 1) : "";
        Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        String where = REPO.relativize(page) + ": " + link;
        if (!target.startsWith(REPO)) {
          broken.add(where + " (outside the repository)");
        } else if (!Files.exists(target)) {
          broken.add(where + " (no such file)");
        } else if (!anchor.isEmpty()
            && target.toString().endsWith(".md")
            && !ids(Files.readAllLines(target, StandardCharsets.UTF_8)).contains(anchor)) {
          broken.add(where + " (no such heading)");
        }
      }
    }
    assertTrue(checked > 30, "only " + checked + " relative links found");
    assertEquals(List.of(), broken);
  }

  @Test
  void headingIdsAreGitHubs() {
    assertEquals(
        Set.of("check-every-runbook-criterion-of-one-scene", "3-the-dev-stack-the-real-wire"),
        ids(
            List.of(
                "## `check`: every runbook criterion of one scene",
                "### 3. The dev stack: the real wire",
                "```bash",
                "# not a heading",
                "```")));
  }

  private static List<String> links(List<String> lines) {
    List<String> links = new ArrayList<>();
    boolean inBlock = false;
    for (String line : lines) {
      if (FENCE.matcher(line).find()) {
        inBlock = !inBlock;
        continue;
      }
      if (inBlock) {
        continue;
      }
      Matcher m = LINK.matcher(line);
      while (m.find()) {
        links.add(m.group(1));
      }
    }
    return links;
  }

  /** GitHub's id of each heading: lower case, punctuation dropped, spaces as hyphens. */
  static Set<String> ids(List<String> lines) {
    Set<String> ids = new HashSet<>();
    boolean inBlock = false;
    for (String line : lines) {
      if (FENCE.matcher(line).find()) {
        inBlock = !inBlock;
        continue;
      }
      Matcher m = HEADING.matcher(line);
      if (!inBlock && m.matches()) {
        ids.add(
            m.group(1)
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-'));
      }
    }
    return ids;
  }
}
