package dev.scenegate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backfill image as far as a machine without a Docker daemon can check it: the Dockerfile pins
 * its Java runtime by digest, copies the jar this build packages, and its entrypoint plus the Cloud
 * Run Job's first argument is a command the jar has. (After {@code package}: an IT.)
 */
class BackfillImageIT {
  private static final Pattern FROM =
      Pattern.compile("(?m)^FROM eclipse-temurin:(\\d+)-jre@sha256:[0-9a-f]{64}$");
  private static final Pattern COPY = Pattern.compile("(?m)^COPY (\\S+) (\\S+)$");
  private static final Pattern EXEC_FORM = Pattern.compile("(?m)^(ENTRYPOINT|CMD) (\\[.*\\])$");

  private static Path root;
  private static String dockerfile;

  @BeforeAll
  static void read() throws IOException {
    Path functions = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    root = functions.resolve("..").normalize();
    dockerfile =
        Files.readString(
            root.resolve("terraform/backfill-image/Dockerfile"), StandardCharsets.UTF_8);
  }

  @Test
  void runtimeIsPinnedByDigestAndRunsTheJarsRelease() {
    Matcher from = FROM.matcher(dockerfile);
    assertTrue(from.find(), "FROM must be eclipse-temurin:<major>-jre@sha256:<digest>");
    assertTrue(Integer.parseInt(from.group(1)) >= 17, "the jar is built for Java 17");
    assertEquals(1, dockerfile.lines().filter(l -> l.startsWith("FROM ")).count(), "one stage");
  }

  @Test
  void copiesTheShadedJarThisBuildPackages() throws IOException {
    Matcher copy = COPY.matcher(dockerfile);
    assertTrue(copy.find(), "a COPY of the jar");
    Path jar = root.resolve(copy.group(1));
    assertTrue(Files.isRegularFile(jar), "the build context must hold " + jar);
    try (JarFile file = new JarFile(jar.toFile())) {
      assertEquals(
          "dev.scenegate.cli.Main", file.getManifest().getMainAttributes().getValue("Main-Class"));
    }
    String ignore =
        Files.readString(
            root.resolve("terraform/backfill-image/Dockerfile.dockerignore"),
            StandardCharsets.UTF_8);
    assertTrue(ignore.lines().anyMatch(l -> l.equals("!" + copy.group(1))), ignore);
    String gcloudIgnore = Files.readString(root.resolve(".gcloudignore"), StandardCharsets.UTF_8);
    assertTrue(gcloudIgnore.lines().anyMatch(l -> l.equals("!/" + copy.group(1))), gcloudIgnore);
  }

  @Test
  void entrypointRunsTheBackfillCommand() throws Exception {
    List<String> entrypoint = execForm("ENTRYPOINT");
    List<String> cmd = execForm("CMD");
    assertEquals("java", entrypoint.get(0));
    assertEquals("-jar", entrypoint.get(entrypoint.size() - 2));
    Matcher copy = COPY.matcher(dockerfile);
    assertTrue(copy.find());
    assertEquals(copy.group(2), entrypoint.get(entrypoint.size() - 1), "runs the copied jar");
    assertEquals(List.of("backfill"), cmd);

    // The same command line on this machine, the jar at its place in the build context:
    // without a target the backfill answers with its usage and exit 2 (bad input).
    List<String> command = new ArrayList<>(entrypoint);
    command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.set(command.size() - 1, root.resolve(copy.group(1)).toString());
    command.addAll(cmd);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the JVM did not exit");
    assertEquals(2, process.exitValue(), output);
    assertTrue(output.contains("scenegate backfill: missing TARGET"), output);
  }

  @Test
  void cloudBuildBuildsThisDockerfileAndPushesTheImage() throws IOException {
    String build =
        Files.readString(
            root.resolve("terraform/backfill-image/cloudbuild.yaml"), StandardCharsets.UTF_8);
    assertTrue(build.contains("--file=terraform/backfill-image/Dockerfile"), build);
    assertTrue(build.contains("images:\n  - ${_IMAGE}"), build);
    assertTrue(build.contains("logging: CLOUD_LOGGING_ONLY"), build);
  }

  private static List<String> execForm(String instruction) throws IOException {
    Matcher matcher = EXEC_FORM.matcher(dockerfile);
    while (matcher.find()) {
      if (matcher.group(1).equals(instruction)) {
        JsonNode array = new ObjectMapper().readTree(matcher.group(2));
        List<String> parts = new ArrayList<>();
        array.forEach(part -> parts.add(part.asText()));
        return parts;
      }
    }
    throw new AssertionError("no exec-form " + instruction);
  }
}
