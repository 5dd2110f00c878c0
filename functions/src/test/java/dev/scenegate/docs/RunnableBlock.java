package dev.scenegate.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A fenced shell block that a Markdown page marks as runnable: its info string is {@code bash
 * runnable}, or {@code bash runnable dev-stack} when it runs in a shell where the {@code export}
 * line printed by {@code ./scenegate dev-stack} was pasted (docs/README.md, "Runnable blocks").
 *
 * @param file the page, relative to the repository root
 * @param line the line of the opening fence (1-based)
 * @param devStack whether the block needs the dev stack's environment
 * @param script the block's lines, the fence's indentation removed
 */
record RunnableBlock(String file, int line, boolean devStack, String script) {
  static final String MARK = "runnable";
  static final String DEV_STACK = "dev-stack";

  private static final Pattern FENCE = Pattern.compile("^( *)(`{3,}|~{3,})\\s*(.*)$");

  /** Where the block is, as an editor opens it. */
  String where() {
    return file + ":" + line;
  }

  /** The runnable blocks of README.md and docs/*.md under {@code repo}, in page order. */
  static List<RunnableBlock> in(Path repo) throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(repo.resolve("README.md"));
    Path docs = repo.resolve("docs");
    if (Files.isDirectory(docs)) {
      try (Stream<Path> files = Files.list(docs)) {
        files.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
      }
    }
    List<RunnableBlock> blocks = new ArrayList<>();
    for (Path page : pages) {
      blocks.addAll(
          parse(
              repo.relativize(page).toString(), Files.readAllLines(page, StandardCharsets.UTF_8)));
    }
    return blocks;
  }

  /**
   * The runnable blocks of one page. Fences follow CommonMark: a run of three or more backticks or
   * tildes opens a block, a run of the same character at least as long closes it; the opening
   * fence's indentation (a block inside a list item) is removed from the block's lines.
   */
  static List<RunnableBlock> parse(String file, List<String> lines) {
    List<RunnableBlock> blocks = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) {
        i++;
        continue;
      }
      int openLine = i + 1;
      int indent = open.group(1).length();
      String fence = open.group(2);
      List<String> info = List.of(open.group(3).trim().split("\\s+"));
      StringBuilder body = new StringBuilder();
      boolean closed = false;
      for (i++; i < lines.size(); i++) {
        Matcher close = FENCE.matcher(lines.get(i));
        if (close.matches()
            && close.group(2).charAt(0) == fence.charAt(0)
            && close.group(2).length() >= fence.length()
            && close.group(3).isBlank()) {
          closed = true;
          i++;
          break;
        }
        body.append(unindent(lines.get(i), indent)).append('\n');
      }
      if (!closed) {
        throw new IllegalArgumentException(file + ":" + openLine + ": code block never closed");
      }
      if (info.contains(MARK)) {
        if (!info.get(0).equals("bash")) {
          throw new IllegalArgumentException(
              file + ":" + openLine + ": a runnable block must be `bash runnable`, not " + info);
        }
        for (String word : info.subList(1, info.size())) {
          if (!word.equals(MARK) && !word.equals(DEV_STACK)) {
            throw new IllegalArgumentException(
                file + ":" + openLine + ": unknown word '" + word + "' in " + info);
          }
        }
        blocks.add(new RunnableBlock(file, openLine, info.contains(DEV_STACK), body.toString()));
      }
    }
    return blocks;
  }

  private static String unindent(String line, int indent) {
    int strip = 0;
    while (strip < indent && strip < line.length() && line.charAt(strip) == ' ') {
      strip++;
    }
    return line.substring(strip);
  }
}
