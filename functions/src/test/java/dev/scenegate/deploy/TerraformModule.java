package dev.scenegate.deploy;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The resources and data sources of a set of Terraform files, parsed with hcl4j.
 *
 * <p>hcl4j evaluates what it can: a reference such as {@code google_service_account.marker.email}
 * stays the string {@code "google_service_account.marker.email"}, and {@code "a-${var.b}"} becomes
 * {@code "a-var.b"}. Its parser has gaps (an object {@code for} expression can swallow the lines
 * after it), so every file is cross-checked against its raw text: a block the parser lost or
 * misplaced fails loudly instead of silently escaping the policy.
 */
record TerraformModule(List<Block> blocks, Map<String, String> sources) {

  /**
   * One {@code resource}, {@code data}, {@code variable} or {@code output} block (the last two have
   * the kind as type: {@code variable.project_id}).
   */
  record Block(String kind, String type, String name, String file, Map<String, Object> body) {
    String address() {
      return (kind.equals("resource") ? "" : kind + ".")
          + (kind.equals(type) ? "" : type + ".")
          + name;
    }
  }

  private static final Set<String> TOP_LEVEL =
      Set.of(
          "resource",
          "data",
          "variable",
          "output",
          "locals",
          "terraform",
          "provider",
          "module",
          "check",
          "moved",
          "import",
          "removed");

  private static final Pattern HEADER =
      Pattern.compile("(?m)^\\s*(resource|data)\\s+\"([^\"]+)\"\\s+\"([^\"]+)\"\\s*\\{");
  private static final Pattern NAMED_HEADER =
      Pattern.compile("(?m)^\\s*(variable|output)\\s+\"([^\"]+)\"\\s*\\{");

  /** Every {@code .tf} file under {@code dir}, skipping provider caches ({@code .terraform}). */
  static TerraformModule load(Path dir) {
    Map<String, String> sources = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(TerraformModule::isTerraformFile).toList()) {
        sources.put(
            dir.relativize(file).toString(), Files.readString(file, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return parse(sources);
  }

  private static boolean isTerraformFile(Path file) {
    for (Path part : file) {
      if (part.toString().equals(".terraform")) {
        return false;
      }
    }
    return file.toString().endsWith(".tf") && Files.isRegularFile(file);
  }

  /** Parses HCL texts keyed by file name. */
  static TerraformModule parse(Map<String, String> sources) {
    List<Block> blocks = new ArrayList<>();
    for (Map.Entry<String, String> source : sources.entrySet()) {
      blocks.addAll(parseFile(source.getKey(), source.getValue()));
    }
    return new TerraformModule(List.copyOf(blocks), Map.copyOf(sources));
  }

  private static List<Block> parseFile(String file, String text) {
    Set<String> declared = new TreeSet<>();
    Matcher header = HEADER.matcher(text);
    while (header.find()) {
      declared.add(
          new Block(header.group(1), header.group(2), header.group(3), file, Map.of()).address());
    }
    Matcher named = NAMED_HEADER.matcher(text);
    while (named.find()) {
      declared.add(
          new Block(named.group(1), named.group(1), named.group(2), file, Map.of()).address());
    }
    // hcl4j resolves data "http" blocks by fetching the URL while parsing; a test must not.
    if (declared.stream().anyMatch(address -> address.startsWith("data.http."))) {
      throw new IllegalStateException(file + ": data \"http\" blocks are not parsed by this check");
    }
    Map<String, Object> parsed;
    // hcl4j prints its evaluation trace to System.out; keep it out of the test log.
    java.io.PrintStream stdout = System.out;
    try {
      System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      parsed = new HCLParser().parse(text, false);
    } catch (Exception e) {
      throw new IllegalStateException(file + ": hcl4j cannot parse it: " + e.getMessage(), e);
    } finally {
      System.setOut(stdout);
    }
    for (String key : parsed.keySet()) {
      if (!TOP_LEVEL.contains(key)) {
        throw new IllegalStateException(
            file + ": hcl4j misplaced '" + key + "' at the top level; restructure the HCL");
      }
    }
    List<Block> blocks = new ArrayList<>();
    collect(blocks, file, "resource", parsed.get("resource"));
    collect(blocks, file, "data", parsed.get("data"));
    for (String kind : List.of("variable", "output")) {
      Hcl.map(parsed.get(kind))
          .forEach((name, body) -> blocks.add(new Block(kind, kind, name, file, Hcl.map(body))));
    }
    Set<String> seen = new TreeSet<>();
    blocks.forEach(block -> seen.add(block.address()));
    if (!seen.equals(declared)) {
      throw new IllegalStateException(
          file + ": hcl4j saw blocks " + seen + " but the file declares " + declared);
    }
    return blocks;
  }

  private static void collect(List<Block> into, String file, String kind, Object section) {
    for (Map.Entry<String, Object> byType : Hcl.map(section).entrySet()) {
      for (Map.Entry<String, Object> byName : Hcl.map(byType.getValue()).entrySet()) {
        into.add(
            new Block(kind, byType.getKey(), byName.getKey(), file, Hcl.map(byName.getValue())));
      }
    }
  }

  List<Block> resources(String type) {
    return blocks.stream()
        .filter(b -> b.kind().equals("resource") && b.type().equals(type))
        .toList();
  }

  List<Block> resources() {
    return blocks.stream().filter(b -> b.kind().equals("resource")).toList();
  }

  List<Block> named(String kind) {
    return blocks.stream().filter(b -> b.kind().equals(kind)).toList();
  }

  boolean declares(String type, String name) {
    return resources(type).stream().anyMatch(b -> b.name().equals(name));
  }
}
