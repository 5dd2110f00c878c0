package dev.scenegate.deploy;

import dev.scenegate.deploy.TerraformModule.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * scenegate's least-privilege rules for its Terraform, checked on the parsed HCL of every file:
 * rules about <em>every</em> grant in the module, including grants added later, which a plan test
 * cannot state (it asserts on the resources it names). What a plan shows better (each service
 * account's bindings, the triggers, the subscriptions' delivery, the buckets) is in the module's
 * native tests, {@code terraform/tests/*.tftest.hcl}; public buckets and uniform access are also
 * checkov's (CKV_GCP_28, 29, 114).
 *
 * <p>Fails closed: an attribute the rule needs but cannot read as a literal or a plain reference
 * (say, one built by a conditional) counts as missing.
 */
final class TerraformPolicy {

  enum Rule {
    /** No IAM member is allUsers or allAuthenticatedUsers. */
    PUBLIC_MEMBER,
    /** Project-level grants only from a short allowlist; never storage or pubsub roles. */
    PROJECT_ROLE,
    /** No basic roles (owner, editor, viewer) and no *Admin roles anywhere. */
    BROAD_ROLE,
    /** No ACL resources: they bypass bucket IAM and can make objects public. */
    LEGACY_ACL,
    /**
     * Every grant on the state bucket is limited by an object-name condition: no identity holds the
     * whole of it (DESIGN, "Digest ledger": the ledger's writers get {@code _scenegate/digests/}
     * and nothing else of the state bucket beyond their own needs).
     */
    STATE_BUCKET_UNCONDITIONED
  }

  record Violation(Rule rule, String address, String message) {
    @Override
    public String toString() {
      return rule + " " + address + ": " + message;
    }
  }

  /**
   * Project-level roles a scenegate identity may hold. Eventarc checks receiveEvent on the project
   * only; log and metric writers are project-scoped by nature (the build account writes logs).
   */
  static final Set<String> ALLOWED_PROJECT_ROLES =
      Set.of(
          "roles/eventarc.eventReceiver",
          "roles/logging.logWriter",
          "roles/monitoring.metricWriter");

  private static final Set<String> PUBLIC_PRINCIPALS = Set.of("allUsers", "allAuthenticatedUsers");
  private static final Set<String> BASIC_ROLES =
      Set.of("roles/owner", "roles/editor", "roles/viewer");
  private static final Set<String> ABOVE_PROJECT_PREFIXES =
      Set.of("google_organization_iam_", "google_folder_iam_", "google_billing_account_iam_");
  private static final Set<String> ACL_TYPES =
      Set.of(
          "google_storage_bucket_acl",
          "google_storage_object_acl",
          "google_storage_default_object_acl",
          "google_storage_bucket_access_control",
          "google_storage_object_access_control",
          "google_storage_default_object_access_control");
  // How the module names the state bucket in its grants (storage.tf).
  private static final String STATE_BUCKET = "local.state_bucket_name";
  private static final Pattern IAM_GRANT = Pattern.compile("^google_\\w+_iam_(member|binding)$");
  // The Cloud Storage service agent, as data.google_storage_project_service_account exposes it.
  private static final Pattern GCS_AGENT =
      Pattern.compile(
          "^(serviceAccount:data\\.google_storage_project_service_account\\.\\w+\\.email_address"
              + "|data\\.google_storage_project_service_account\\.\\w+\\.member)$");
  // Backstop for members that hcl4j folded away (e.g. a conditional): look at the raw line.
  private static final Pattern RAW_PUBLIC_MEMBER =
      Pattern.compile("(?m)^\\s*members?\\s*=.*\\b(allUsers|allAuthenticatedUsers)\\b");

  private TerraformPolicy() {}

  static List<Violation> check(TerraformModule module) {
    List<Violation> violations = new ArrayList<>();
    publicMembers(module, violations);
    projectRoles(module, violations);
    broadRoles(module, violations);
    legacyAcls(module, violations);
    stateBucketConditions(module, violations);
    return violations;
  }

  private static void publicMembers(TerraformModule module, List<Violation> out) {
    for (Block block : module.blocks()) {
      walkMembers(block.body(), block.address(), out);
    }
    module
        .sources()
        .forEach(
            (file, text) -> {
              Matcher raw = RAW_PUBLIC_MEMBER.matcher(text);
              while (raw.find()) {
                out.add(new Violation(Rule.PUBLIC_MEMBER, file, "grants " + raw.group(1)));
              }
            });
  }

  private static void walkMembers(Object node, String address, List<Violation> out) {
    if (node instanceof Map<?, ?> map) {
      map.forEach(
          (key, value) -> {
            if ("member".equals(key) || "members".equals(key)) {
              List<?> members =
                  value instanceof List<?> list ? list : List.of(String.valueOf(value));
              for (Object member : members) {
                if (PUBLIC_PRINCIPALS.contains(String.valueOf(member))) {
                  out.add(new Violation(Rule.PUBLIC_MEMBER, address, "grants " + member));
                }
              }
            } else {
              walkMembers(value, address, out);
            }
          });
    } else if (node instanceof List<?> list) {
      list.forEach(item -> walkMembers(item, address, out));
    }
  }

  private static void projectRoles(TerraformModule module, List<Violation> out) {
    for (Block block : module.resources()) {
      String type = block.type();
      if (ABOVE_PROJECT_PREFIXES.stream().anyMatch(type::startsWith)) {
        out.add(new Violation(Rule.PROJECT_ROLE, block.address(), "grants above the project"));
      } else if (type.equals("google_project_iam_policy")) {
        out.add(
            new Violation(
                Rule.PROJECT_ROLE, block.address(), "replaces the whole project IAM policy"));
      } else if (type.equals("google_project_iam_member")
          || type.equals("google_project_iam_binding")) {
        String role = String.valueOf(Hcl.text(block.body(), "role"));
        if (ALLOWED_PROJECT_ROLES.contains(role) || isGcsAgentPublisher(block, role)) {
          continue;
        }
        String why =
            role.startsWith("roles/storage.") || role.startsWith("roles/pubsub.")
                ? "project-wide " + role + ": grant it on the bucket or topic instead"
                : role + " at project level is not on the allowlist " + ALLOWED_PROJECT_ROLES;
        out.add(new Violation(Rule.PROJECT_ROLE, block.address(), why));
      }
    }
  }

  /** The one project-level Pub/Sub grant: Eventarc's Cloud Storage triggers need it (iam.tf). */
  private static boolean isGcsAgentPublisher(Block block, String role) {
    String member = Hcl.text(block.body(), "member");
    return block.type().equals("google_project_iam_member")
        && role.equals("roles/pubsub.publisher")
        && member != null
        && GCS_AGENT.matcher(member).matches();
  }

  private static void broadRoles(TerraformModule module, List<Violation> out) {
    for (Block block : module.resources()) {
      if (!IAM_GRANT.matcher(block.type()).matches()) {
        continue;
      }
      String role = Hcl.text(block.body(), "role");
      if (role == null) {
        out.add(new Violation(Rule.BROAD_ROLE, block.address(), "role is not a literal"));
      } else if (BASIC_ROLES.contains(role) || role.toLowerCase().endsWith("admin")) {
        out.add(new Violation(Rule.BROAD_ROLE, block.address(), "grants " + role));
      }
    }
  }

  private static void stateBucketConditions(TerraformModule module, List<Violation> out) {
    for (Block block : module.resources()) {
      if (block.type().startsWith("google_storage_bucket_iam_")
          && STATE_BUCKET.equals(Hcl.text(block.body(), "bucket"))
          && !Hcl.block(block.body(), "condition").containsKey("expression")) {
        out.add(
            new Violation(
                Rule.STATE_BUCKET_UNCONDITIONED,
                block.address(),
                "grants the whole state bucket: add a condition on the object name prefix"));
      }
    }
  }

  private static void legacyAcls(TerraformModule module, List<Violation> out) {
    for (Block block : module.resources()) {
      if (ACL_TYPES.contains(block.type())) {
        out.add(
            new Violation(Rule.LEGACY_ACL, block.address(), "ACLs bypass uniform bucket access"));
      }
    }
  }
}
