package dev.scenegate.deploy;

import dev.scenegate.deploy.TerraformModule.Block;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * scenegate's least-privilege and delivery rules for its Terraform, checked on the parsed HCL.
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
    /** Uniform bucket-level access and enforced public access prevention on every bucket. */
    BUCKET_PRIVATE,
    /** Each function and job runs as its own declared service account; triggers name theirs. */
    WORKLOAD_IDENTITY,
    /** The marker function exists, runs Java 17 and is triggered by object finalize events. */
    MARKER_TRIGGER,
    /** Every event-triggered function is retried by the platform. */
    TRIGGER_RETRY,
    /** Subscriptions retry with backoff and dead-letter; dead-letter topics are held. */
    SUBSCRIPTION_DELIVERY
  }

  record Violation(Rule rule, String address, String message) {
    @Override
    public String toString() {
      return rule + " " + address + ": " + message;
    }
  }

  static final String MARKER_ENTRY_POINT = "dev.scenegate.functions.MarkerFunction";

  /**
   * Project-level roles a scenegate identity may hold. Eventarc checks receiveEvent on the project
   * only; log and metric writers are project-scoped by nature (not used today).
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
  private static final Pattern IAM_GRANT = Pattern.compile("^google_\\w+_iam_(member|binding)$");
  // The Cloud Storage service agent, as data.google_storage_project_service_account exposes it.
  private static final Pattern GCS_AGENT =
      Pattern.compile(
          "^(serviceAccount:data\\.google_storage_project_service_account\\.\\w+\\.email_address"
              + "|data\\.google_storage_project_service_account\\.\\w+\\.member)$");
  private static final Pattern SERVICE_ACCOUNT_EMAIL =
      Pattern.compile("^google_service_account\\.(\\w+)\\.email$");
  private static final Pattern TOPIC_REFERENCE =
      Pattern.compile("^google_pubsub_topic\\.(\\w+)\\.");
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
    buckets(module, violations);
    workloadIdentities(module, violations);
    markerTrigger(module, violations);
    triggerRetries(module, violations);
    subscriptions(module, violations);
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

  private static void legacyAcls(TerraformModule module, List<Violation> out) {
    for (Block block : module.resources()) {
      if (ACL_TYPES.contains(block.type())) {
        out.add(
            new Violation(Rule.LEGACY_ACL, block.address(), "ACLs bypass uniform bucket access"));
      }
    }
  }

  private static void buckets(TerraformModule module, List<Violation> out) {
    for (Block bucket : module.resources("google_storage_bucket")) {
      if (!"true".equals(Hcl.text(bucket.body(), "uniform_bucket_level_access"))) {
        out.add(
            new Violation(
                Rule.BUCKET_PRIVATE, bucket.address(), "uniform_bucket_level_access is not true"));
      }
      if (!"enforced".equals(Hcl.text(bucket.body(), "public_access_prevention"))) {
        out.add(
            new Violation(
                Rule.BUCKET_PRIVATE,
                bucket.address(),
                "public_access_prevention is not \"enforced\""));
      }
    }
  }

  private static void workloadIdentities(TerraformModule module, List<Violation> out) {
    Map<String, String> workloadByAccount = new HashMap<>();
    for (Block function : module.resources("google_cloudfunctions2_function")) {
      String runtime =
          Hcl.text(Hcl.block(function.body(), "service_config"), "service_account_email");
      dedicatedAccount(module, function, runtime, workloadByAccount, out);
      Map<String, Object> trigger = Hcl.block(function.body(), "event_trigger");
      if (!trigger.isEmpty()) {
        // Without one the trigger runs as the Compute Engine default account (often Editor).
        String identity = Hcl.text(trigger, "service_account_email");
        if (declaredAccount(module, identity) == null) {
          out.add(
              new Violation(
                  Rule.WORKLOAD_IDENTITY,
                  function.address(),
                  "event_trigger.service_account_email is not a declared google_service_account: "
                      + identity));
        }
      }
    }
    for (Block job : module.resources("google_cloud_run_v2_job")) {
      String runtime = Hcl.text(Hcl.block(job.body(), "template", "template"), "service_account");
      dedicatedAccount(module, job, runtime, workloadByAccount, out);
    }
    for (Block service : module.resources("google_cloud_run_v2_service")) {
      String runtime = Hcl.text(Hcl.block(service.body(), "template"), "service_account");
      dedicatedAccount(module, service, runtime, workloadByAccount, out);
    }
  }

  private static void dedicatedAccount(
      TerraformModule module,
      Block workload,
      String reference,
      Map<String, String> workloadByAccount,
      List<Violation> out) {
    String account = declaredAccount(module, reference);
    if (account == null) {
      out.add(
          new Violation(
              Rule.WORKLOAD_IDENTITY,
              workload.address(),
              "does not run as a declared google_service_account (found " + reference + ")"));
      return;
    }
    String other = workloadByAccount.putIfAbsent(account, workload.address());
    if (other != null) {
      out.add(
          new Violation(
              Rule.WORKLOAD_IDENTITY,
              workload.address(),
              "shares google_service_account." + account + " with " + other));
    }
  }

  /** The name of the google_service_account that {@code reference} is the e-mail of, or null. */
  private static String declaredAccount(TerraformModule module, String reference) {
    if (reference == null) {
      return null;
    }
    Matcher matcher = SERVICE_ACCOUNT_EMAIL.matcher(reference);
    return matcher.matches() && module.declares("google_service_account", matcher.group(1))
        ? matcher.group(1)
        : null;
  }

  private static void markerTrigger(TerraformModule module, List<Violation> out) {
    List<Block> markers =
        module.resources("google_cloudfunctions2_function").stream()
            .filter(
                f ->
                    MARKER_ENTRY_POINT.equals(
                        Hcl.text(Hcl.block(f.body(), "build_config"), "entry_point")))
            .toList();
    if (markers.isEmpty()) {
      out.add(
          new Violation(
              Rule.MARKER_TRIGGER,
              "google_cloudfunctions2_function",
              "no function has entry point " + MARKER_ENTRY_POINT));
    }
    for (Block marker : markers) {
      if (!"java17".equals(Hcl.text(Hcl.block(marker.body(), "build_config"), "runtime"))) {
        out.add(new Violation(Rule.MARKER_TRIGGER, marker.address(), "runtime is not java17"));
      }
      Map<String, Object> trigger = Hcl.block(marker.body(), "event_trigger");
      if (!"google.cloud.storage.object.v1.finalized".equals(Hcl.text(trigger, "event_type"))) {
        out.add(
            new Violation(
                Rule.MARKER_TRIGGER,
                marker.address(),
                "is not triggered by google.cloud.storage.object.v1.finalized"));
      }
      boolean onBucket =
          Hcl.blocks(trigger, "event_filters").stream()
              .anyMatch(filter -> "bucket".equals(Hcl.text(filter, "attribute")));
      if (!onBucket) {
        out.add(
            new Violation(Rule.MARKER_TRIGGER, marker.address(), "trigger has no bucket filter"));
      }
      if (!"RETRY_POLICY_RETRY".equals(Hcl.text(trigger, "retry_policy"))) {
        out.add(
            new Violation(
                Rule.MARKER_TRIGGER, marker.address(), "trigger lacks RETRY_POLICY_RETRY"));
      }
    }
  }

  private static void triggerRetries(TerraformModule module, List<Violation> out) {
    for (Block function : module.resources("google_cloudfunctions2_function")) {
      Map<String, Object> trigger = Hcl.block(function.body(), "event_trigger");
      if (!trigger.isEmpty() && !"RETRY_POLICY_RETRY".equals(Hcl.text(trigger, "retry_policy"))) {
        out.add(
            new Violation(
                Rule.TRIGGER_RETRY,
                function.address(),
                "event_trigger.retry_policy is not RETRY_POLICY_RETRY"));
      }
    }
  }

  private static void subscriptions(TerraformModule module, List<Violation> out) {
    List<Block> subscriptions = module.resources("google_pubsub_subscription");
    // Topics that receive dead letters: the end of the line, so no dead-letter policy of their own.
    Set<String> deadLetterTopics = new HashSet<>();
    for (Block subscription : subscriptions) {
      String target =
          topicName(
              Hcl.text(Hcl.block(subscription.body(), "dead_letter_policy"), "dead_letter_topic"));
      if (target != null) {
        deadLetterTopics.add(target);
      }
    }
    Set<String> heldTopics = new HashSet<>();
    for (Block subscription : subscriptions) {
      Map<String, Object> body = subscription.body();
      String topic = topicName(Hcl.text(body, "topic"));
      if (topic != null) {
        heldTopics.add(topic);
      }
      if (Hcl.block(body, "retry_policy").isEmpty()) {
        out.add(
            new Violation(
                Rule.SUBSCRIPTION_DELIVERY, subscription.address(), "has no retry_policy"));
      }
      if (topic != null && deadLetterTopics.contains(topic)) {
        continue;
      }
      Map<String, Object> deadLetter = Hcl.block(body, "dead_letter_policy");
      String target = topicName(Hcl.text(deadLetter, "dead_letter_topic"));
      if (target == null
          || !module.declares("google_pubsub_topic", target)
          || Hcl.text(deadLetter, "max_delivery_attempts") == null) {
        out.add(
            new Violation(
                Rule.SUBSCRIPTION_DELIVERY,
                subscription.address(),
                "has no dead_letter_policy with a dead_letter_topic of this module and max_delivery_attempts"));
      } else if (target.equals(topic)) {
        out.add(
            new Violation(
                Rule.SUBSCRIPTION_DELIVERY,
                subscription.address(),
                "dead-letters into its own topic"));
      }
    }
    for (String topic : deadLetterTopics) {
      if (!heldTopics.contains(topic)) {
        out.add(
            new Violation(
                Rule.SUBSCRIPTION_DELIVERY,
                "google_pubsub_topic." + topic,
                "dead-letter topic has no subscription, so dead letters are dropped"));
      }
    }
  }

  /** The resource name of a google_pubsub_topic reference, or null for anything else. */
  private static String topicName(String reference) {
    if (reference == null) {
      return null;
    }
    Matcher matcher = TOPIC_REFERENCE.matcher(reference);
    return matcher.find() ? matcher.group(1) : null;
  }
}
