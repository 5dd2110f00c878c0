package dev.scenegate.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.events.AlertKind;
import dev.scenegate.events.ChecksumAlert;
import dev.scenegate.events.EventJson;
import dev.scenegate.scene.SceneIds;
import dev.scenegate.verify.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code fixity} alert (DESIGN: Sweeps, freshness, audit): one per scene audit with findings,
 * listing them all. {@code manifest} is the manifest the findings are about and each failure's
 * {@code path} is relative to its folder, as in a {@code checksum_failure}; when one scene's
 * findings concern two manifests (the scene root's and {@code assets/}), {@code manifest} is the
 * scene root's and paths are relative to the scene folder. {@code manifests} (extra) lists every
 * manifest with findings.
 *
 * <p>{@code alert_id} is a stable hash of the findings: an audit that finds the same again (the
 * next scheduled sweep) raises the same alert, which the notifier delivers once per webhook; a
 * further change is a new alert.
 */
public final class FixityAlert {
  public static final String SEVERITY = "critical";

  private FixityAlert() {}

  /**
   * The alert for {@code findings}, all of scene {@code sceneId}.
   *
   * @throws IllegalArgumentException when there are none, or one is of another scene
   */
  public static ChecksumAlert of(
      String sceneId, String bucket, List<AuditFinding> findings, Instant occurredAt) {
    if (findings.isEmpty()) {
      throw new IllegalArgumentException("a fixity alert needs findings");
    }
    List<AuditFinding> sorted = new ArrayList<>(findings);
    sorted.sort(
        Comparator.comparing(AuditFinding::manifest)
            .thenComparing(AuditFinding::path)
            .thenComparing(AuditFinding::kind));
    Set<String> manifests = new TreeSet<>();
    for (AuditFinding f : sorted) {
      if (!f.sceneId().equals(sceneId)) {
        throw new IllegalArgumentException(
            "finding of scene " + f.sceneId() + " in the alert of scene " + sceneId);
      }
      manifests.add(f.manifest());
    }
    String sceneFolder = SceneIds.folder(sceneId);
    String manifest =
        manifests.size() == 1 ? manifests.iterator().next() : sceneFolder + "source_checksums.json";
    String base = folderOf(manifest);
    List<ChecksumAlert.Failure> failures = new ArrayList<>();
    Set<AuditFinding.Kind> kinds = EnumSet.noneOf(AuditFinding.Kind.class);
    for (AuditFinding f : sorted) {
      String full = folderOf(f.manifest()) + f.path();
      failures.add(f.failure(full.startsWith(base) ? full.substring(base.length()) : full));
      kinds.add(f.kind());
    }
    ObjectNode extra = EventJson.MAPPER.createObjectNode();
    ArrayNode list = extra.putArray("manifests");
    manifests.forEach(list::add);
    return new ChecksumAlert(
        alertId(bucket, sorted),
        AlertKind.FIXITY.wireName(),
        SEVERITY,
        sceneId,
        bucket,
        manifest,
        failures,
        remediation(sceneId, kinds),
        occurredAt.toString(),
        extra);
  }

  static String alertId(String bucket, List<AuditFinding> sorted) {
    StringBuilder key = new StringBuilder("fixity|").append(bucket);
    for (AuditFinding f : sorted) {
      key.append('\n')
          .append(f.manifest())
          .append('|')
          .append(f.path())
          .append('|')
          .append(f.kind())
          .append('|')
          .append(f.expectedGeneration())
          .append('|')
          .append(f.actualGeneration())
          .append('|')
          .append(f.actualSha256());
    }
    return "fixity-" + Sha256.hex(key.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 32);
  }

  static List<String> remediation(String sceneId, Set<AuditFinding.Kind> kinds) {
    List<String> steps = new ArrayList<>();
    if (kinds.contains(AuditFinding.Kind.CHANGED) || kinds.contains(AuditFinding.Kind.MISSING)) {
      steps.add(
          "Find out who replaced or deleted the files: the bucket's Data Access audit logs name"
              + " the writer of each new generation. A verified file must not change in place.");
      steps.add(
          "Restore each changed or missing file at its verified content (from the upstream job"
              + " that produced it: regen3d-job for assets/, scene-generation-job for the scene"
              + " root), or re-run that job so it writes the files and source_checksums.json"
              + " anew.");
      steps.add(
          "After a restore in place, run `scenegate redrive "
              + sceneId
              + " --stage <stage>` so the stage is verified again (a new generation of its marker"
              + " does the same), then confirm with `scenegate audit --scene "
              + sceneId
              + " --deep`.");
    }
    if (kinds.contains(AuditFinding.Kind.UNTRACKED)) {
      steps.add(
          "Untracked files are beside a manifest that does not list them: remove them, or re-run"
              + " the job that writes the folder so its source_checksums.json lists them.");
    }
    return steps;
  }

  private static String folderOf(String object) {
    int slash = object.lastIndexOf('/');
    return slash < 0 ? "" : object.substring(0, slash + 1);
  }
}
