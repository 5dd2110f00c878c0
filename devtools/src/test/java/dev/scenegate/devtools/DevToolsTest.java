package dev.scenegate.devtools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevToolsTest {
  @TempDir Path dir;

  @Test
  void repoRootIsFoundWalkingUp() throws Exception {
    Files.createDirectories(dir.resolve("scripts"));
    Files.writeString(dir.resolve("scripts/install-test-tools"), "#!/bin/sh\n");
    Path deep = Files.createDirectories(dir.resolve("functions/target"));
    assertEquals(Optional.of(dir.toAbsolutePath()), DevTools.findRepoRoot(deep));
  }

  @Test
  void fakeGcsServerFromToolsDirWins() throws Exception {
    Path binary = executable(dir.resolve(".tools/bin/fake-gcs-server"));
    DevTools tools = new DevTools(Map.of("PATH", ""), Optional.of(dir), Optional.empty());
    assertEquals(binary, tools.fakeGcsServer().path());
  }

  @Test
  void missingBinariesComeWithAReasonNamingTheInstallScript() {
    DevTools tools =
        new DevTools(Map.of("PATH", dir.toString()), Optional.of(dir), Optional.empty());
    DevTools.Located gcs = tools.fakeGcsServer();
    DevTools.Located pubSub = tools.pubSubEmulator();
    assertFalse(gcs.isPresent());
    assertFalse(pubSub.isPresent());
    assertTrue(gcs.missingReason().contains("scripts/install-test-tools"), gcs.missingReason());
    assertTrue(pubSub.missingReason().contains("gcloud"), pubSub.missingReason());
  }

  @Test
  void explicitPathThatIsNotExecutableIsReported() {
    DevTools tools =
        new DevTools(
            Map.of("FAKE_GCS_SERVER", dir.resolve("nope").toString()),
            Optional.empty(),
            Optional.empty());
    assertTrue(tools.fakeGcsServer().missingReason().startsWith("FAKE_GCS_SERVER="));
  }

  @Test
  void pubSubLauncherIsFoundInTheSdkThatGcloudBelongsTo() throws Exception {
    Path sdk = dir.resolve("sdk");
    Path gcloud = executable(sdk.resolve("bin/gcloud"));
    Path launcher = executable(sdk.resolve("platform/pubsub-emulator/bin/cloud-pubsub-emulator"));
    Path pathDir = Files.createDirectories(dir.resolve("usr-bin"));
    Files.createSymbolicLink(pathDir.resolve("gcloud"), gcloud);
    DevTools tools =
        new DevTools(Map.of("PATH", pathDir.toString()), Optional.empty(), Optional.empty());
    assertEquals(launcher.toRealPath(), tools.pubSubEmulator().path().toRealPath());
  }

  private static Path executable(Path path) throws Exception {
    Files.createDirectories(path.getParent());
    Files.writeString(path, "#!/bin/sh\n");
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    return path;
  }
}
