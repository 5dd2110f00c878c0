package dev.scenegate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.deploy.TerraformModule.Block;
import dev.scenegate.deploy.TerraformPolicy.Rule;
import dev.scenegate.deploy.TerraformPolicy.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The repository's Terraform ({@code ../terraform}, root module and examples) against {@link
 * TerraformPolicy}, and the policy itself against small bad and good snippets, so that every rule
 * is shown to fire.
 */
class TerraformPolicyTest {

  private static TerraformModule repository;

  @BeforeAll
  static void parseRepositoryTerraform() {
    // Surefire runs in the module directory and sets basedir; the IDE may only set user.dir.
    Path functions = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    Path terraform = functions.resolve("../terraform").normalize();
    assertTrue(Files.isDirectory(terraform), "no Terraform at " + terraform);
    repository = TerraformModule.load(terraform);
  }

  // ----------------------------------------------------------------------------- the repository

  @Test
  void repositoryTerraformMeetsEveryRule() {
    List<Violation> violations = TerraformPolicy.check(repository);
    assertEquals(
        List.of(),
        violations,
        () -> violations.stream().map(Violation::toString).collect(Collectors.joining("\n")));
  }

  /** Guards against a vacuous pass: the check saw what the module is supposed to hold. */
  @Test
  void repositoryTerraformIsParsedWhole() {
    assertTrue(
        repository.sources().containsKey("iam.tf"), repository.sources().keySet().toString());
    assertTrue(
        repository.sources().containsKey(Path.of("examples", "dev", "main.tf").toString()),
        "the dev example is checked too");
    Set<String> addresses =
        repository.blocks().stream().map(Block::address).collect(Collectors.toSet());
    for (String expected :
        List.of(
            "google_storage_bucket.data",
            "google_storage_bucket.source",
            "google_pubsub_topic.stage_events",
            "google_pubsub_topic.checksum_alerts",
            "google_pubsub_topic.dead_letter",
            "google_pubsub_subscription.alerts",
            "google_pubsub_subscription.dead_letter_hold",
            "google_cloudfunctions2_function.marker",
            "google_cloudfunctions2_function.notifier",
            "google_cloud_run_v2_job.backfill",
            "google_project_iam_member.gcs_agent_publishes_notifications",
            "data.google_storage_project_service_account.gcs",
            "google_secret_manager_secret.webhook",
            "google_secret_manager_secret_iam_member.notifier_reads_webhook_secret",
            "google_monitoring_alert_policy.checksum_alerts",
            "google_monitoring_alert_policy.dead_letters",
            "data.archive_file.function_source",
            "google_storage_bucket_object.function_source")) {
      assertTrue(addresses.contains(expected), "missing " + expected);
    }
    assertTrue(repository.resources("google_service_account").size() >= 3);
  }

  @Test
  void notifierReadsItsSecretFromSecretManager() {
    Map<String, Object> config =
        Hcl.block(resource("google_cloudfunctions2_function", "notifier").body(), "service_config");
    assertTrue(
        Hcl.blocks(config, "secret_environment_variables").stream()
            .anyMatch(env -> "SCENEGATE_WEBHOOK_SECRET".equals(Hcl.text(env, "key"))),
        "SCENEGATE_WEBHOOK_SECRET must come from secret_environment_variables");
    assertEquals(
        "dev.scenegate.functions.AlertNotifierFunction",
        Hcl.text(
            Hcl.block(
                resource("google_cloudfunctions2_function", "notifier").body(), "build_config"),
            "entry_point"));
  }

  @Test
  void functionSourceIsNamedAfterTheJarHash() {
    // hcl4j does not evaluate filesha256(), so this reads the source text.
    assertTrue(
        repository
            .sources()
            .get("storage.tf")
            .contains("\"functions/scenegate-${filesha256(local.jar_path)}.zip\""),
        "the source object's name must change exactly when the jar does");
  }

  @Test
  void everyVariableIsTypedAndDescribedAndEveryOutputDescribed() {
    List<Block> variables = repository.named("variable");
    assertTrue(variables.size() >= 30, "variables: " + variables.size());
    for (Block variable : variables) {
      assertTrue(variable.body().get("type") != null, variable.file() + " " + variable.address());
      assertTrue(
          Hcl.text(variable.body(), "description") != null,
          variable.file() + " " + variable.address());
    }
    List<Block> outputs =
        repository.named("output").stream().filter(o -> o.file().equals("outputs.tf")).toList();
    for (Block output : outputs) {
      assertTrue(Hcl.text(output.body(), "description") != null, output.address());
    }
    Set<String> outputNames = outputs.stream().map(Block::name).collect(Collectors.toSet());
    assertTrue(
        outputNames.containsAll(
            Set.of(
                "data_bucket",
                "topics",
                "marker_function_name",
                "notifier_function_name",
                "service_accounts")),
        outputNames.toString());
  }

  @Test
  void defaultsFollowTheDesign() {
    Map<String, String> defaults =
        repository.named("variable").stream()
            .filter(v -> v.file().equals("variables.tf"))
            .filter(v -> Hcl.text(v.body(), "default") != null)
            .collect(Collectors.toMap(Block::name, v -> Hcl.text(v.body(), "default")));
    assertEquals("stage-events", defaults.get("stage_events_topic_name"));
    assertEquals("checksum-alerts", defaults.get("checksum_alerts_topic_name"));
    assertEquals("_scenegate/state/", defaults.get("state_prefix"));
    assertEquals("../functions/target/scenegate.jar", defaults.get("function_jar_path"));
  }

  private static Block resource(String type, String name) {
    return repository.resources(type).stream()
        .filter(b -> b.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + "." + name));
  }

  // ---------------------------------------------------------------------- the policy, proven

  /** A rule, an HCL snippet that breaks it, and a close variant that does not. */
  record Case(Rule rule, String name, String bad, String good) {
    @Override
    public String toString() {
      return rule + ": " + name;
    }
  }

  private static final String ACCOUNTS =
      """
      resource "google_service_account" "marker" {
        account_id = "sg-marker"
      }
      resource "google_service_account" "backfill" {
        account_id = "sg-backfill"
      }
      resource "google_service_account" "trigger" {
        account_id = "sg-trigger"
      }
      """;

  private static final String MARKER =
      """
      resource "google_cloudfunctions2_function" "marker" {
        name = "marker"
        build_config {
          runtime     = "java17"
          entry_point = "dev.scenegate.functions.MarkerFunction"
        }
        service_config {
          service_account_email = google_service_account.marker.email
        }
        event_trigger {
          event_type            = "google.cloud.storage.object.v1.finalized"
          service_account_email = google_service_account.trigger.email
          retry_policy          = "%s"
          event_filters {
            attribute = "bucket"
            value     = google_storage_bucket.data.name
          }
        }
      }
      """;

  private static final String TOPICS =
      """
      resource "google_pubsub_topic" "alerts" {
        name = "checksum-alerts"
      }
      resource "google_pubsub_topic" "dead_letter" {
        name = "checksum-alerts-dead-letter"
      }
      """;

  private static final String HOLD =
      """
      resource "google_pubsub_subscription" "hold" {
        name  = "hold"
        topic = google_pubsub_topic.dead_letter.id
        retry_policy {
          minimum_backoff = "10s"
        }
      }
      """;

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            Rule.PUBLIC_MEMBER,
            "bucket readable by everyone",
            bucketMember("roles/storage.objectViewer", "\"allUsers\""),
            bucketMember("roles/storage.objectViewer", "google_service_account.marker.member")),
        new Case(
            Rule.PUBLIC_MEMBER,
            "public principal in a binding list",
            """
            resource "google_pubsub_topic_iam_binding" "b" {
              topic   = "t"
              role    = "roles/pubsub.subscriber"
              members = ["group:oncall@example.com", "allAuthenticatedUsers"]
            }
            """,
            """
            resource "google_pubsub_topic_iam_binding" "b" {
              topic   = "t"
              role    = "roles/pubsub.subscriber"
              members = ["group:oncall@example.com"]
            }
            """),
        new Case(
            Rule.PUBLIC_MEMBER,
            "public principal behind a conditional",
            bucketMember(
                "roles/storage.objectViewer",
                "var.open ? \"allUsers\" : google_service_account.marker.member"),
            bucketMember(
                "roles/storage.objectViewer",
                "var.open ? google_service_account.backfill.member"
                    + " : google_service_account.marker.member")),
        new Case(
            Rule.PROJECT_ROLE,
            "project-wide storage role",
            projectMember("roles/storage.objectViewer", "google_service_account.marker.member"),
            bucketMember("roles/storage.objectViewer", "google_service_account.marker.member")),
        new Case(
            Rule.PROJECT_ROLE,
            "project-wide pubsub publisher for a scenegate identity",
            projectMember("roles/pubsub.publisher", "google_service_account.marker.member"),
            projectMember(
                "roles/pubsub.publisher",
                "\"serviceAccount:${data.google_storage_project_service_account.gcs.email_address}\"")),
        new Case(
            Rule.PROJECT_ROLE,
            "the Cloud Storage agent's exception is for pubsub.publisher only",
            projectMember(
                "roles/pubsub.editor",
                "\"serviceAccount:${data.google_storage_project_service_account.gcs.email_address}\""),
            projectMember(
                "roles/pubsub.publisher",
                "\"serviceAccount:${data.google_storage_project_service_account.gcs.email_address}\"")),
        new Case(
            Rule.PROJECT_ROLE,
            "authoritative project binding",
            """
            resource "google_project_iam_binding" "b" {
              project = "p"
              role    = "roles/pubsub.publisher"
              members = ["serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"]
            }
            """,
            projectMember(
                "roles/pubsub.publisher",
                "\"serviceAccount:${data.google_storage_project_service_account.gcs.email_address}\"")),
        new Case(
            Rule.PROJECT_ROLE,
            "project role off the allowlist",
            projectMember("roles/cloudsql.client", "google_service_account.marker.member"),
            projectMember("roles/eventarc.eventReceiver", "google_service_account.trigger.member")),
        new Case(
            Rule.PROJECT_ROLE,
            "whole project policy",
            """
            resource "google_project_iam_policy" "p" {
              project     = "p"
              policy_data = data.google_iam_policy.p.policy_data
            }
            """,
            projectMember("roles/eventarc.eventReceiver", "google_service_account.trigger.member")),
        new Case(
            Rule.BROAD_ROLE,
            "admin role on a bucket",
            bucketMember("roles/storage.admin", "google_service_account.marker.member"),
            bucketMember("roles/storage.objectUser", "google_service_account.marker.member")),
        new Case(
            Rule.BROAD_ROLE,
            "basic role on a secret",
            """
            resource "google_secret_manager_secret_iam_member" "s" {
              secret_id = "s"
              role      = "roles/editor"
              member    = google_service_account.marker.member
            }
            """,
            """
            resource "google_secret_manager_secret_iam_member" "s" {
              secret_id = "s"
              role      = "roles/secretmanager.secretAccessor"
              member    = google_service_account.marker.member
            }
            """),
        new Case(
            Rule.LEGACY_ACL,
            "bucket ACL",
            """
            resource "google_storage_bucket_acl" "a" {
              bucket         = "b"
              predefined_acl = "publicRead"
            }
            """,
            bucketMember("roles/storage.objectViewer", "google_service_account.marker.member")),
        new Case(
            Rule.BUCKET_PRIVATE,
            "no uniform bucket-level access",
            bucket("false", "enforced"),
            bucket("true", "enforced")),
        new Case(
            Rule.BUCKET_PRIVATE,
            "public access prevention only inherited",
            bucket("true", "inherited"),
            bucket("true", "enforced")),
        new Case(
            Rule.WORKLOAD_IDENTITY,
            "function on the default service account",
            ACCOUNTS
                + MARKER
                    .formatted("RETRY_POLICY_RETRY")
                    .replace("service_account_email = google_service_account.marker.email", ""),
            ACCOUNTS + MARKER.formatted("RETRY_POLICY_RETRY")),
        new Case(
            Rule.WORKLOAD_IDENTITY,
            "function and job share a service account",
            ACCOUNTS + MARKER.formatted("RETRY_POLICY_RETRY") + job("marker"),
            ACCOUNTS + MARKER.formatted("RETRY_POLICY_RETRY") + job("backfill")),
        new Case(
            Rule.WORKLOAD_IDENTITY,
            "job on a service account the module does not declare",
            ACCOUNTS + job("elsewhere"),
            ACCOUNTS + job("backfill")),
        new Case(
            Rule.WORKLOAD_IDENTITY,
            "trigger without its own identity",
            ACCOUNTS
                + MARKER
                    .formatted("RETRY_POLICY_RETRY")
                    .replace("service_account_email = google_service_account.trigger.email", ""),
            ACCOUNTS + MARKER.formatted("RETRY_POLICY_RETRY")),
        new Case(
            Rule.MARKER_TRIGGER,
            "marker trigger not retried",
            ACCOUNTS + MARKER.formatted("RETRY_POLICY_DO_NOT_RETRY"),
            ACCOUNTS + MARKER.formatted("RETRY_POLICY_RETRY")),
        new Case(
            Rule.MARKER_TRIGGER,
            "marker on the wrong event",
            ACCOUNTS
                + MARKER
                    .formatted("RETRY_POLICY_RETRY")
                    .replace("object.v1.finalized", "object.v1.deleted"),
            ACCOUNTS + MARKER.formatted("RETRY_POLICY_RETRY")),
        new Case(
            Rule.MARKER_TRIGGER,
            "no marker function at all",
            ACCOUNTS,
            ACCOUNTS + MARKER.formatted("RETRY_POLICY_RETRY")),
        new Case(
            Rule.TRIGGER_RETRY,
            "notifier trigger without retry policy",
            ACCOUNTS + notifier(""),
            ACCOUNTS + notifier("retry_policy = \"RETRY_POLICY_RETRY\"")),
        new Case(
            Rule.SUBSCRIPTION_DELIVERY,
            "alert subscription without dead-lettering",
            TOPICS + HOLD + subscription(true, false),
            TOPICS + HOLD + subscription(true, true)),
        new Case(
            Rule.SUBSCRIPTION_DELIVERY,
            "alert subscription without retry policy",
            TOPICS + HOLD + subscription(false, true),
            TOPICS + HOLD + subscription(true, true)),
        new Case(
            Rule.SUBSCRIPTION_DELIVERY,
            "dead letters with nowhere to go",
            TOPICS + subscription(true, true),
            TOPICS + HOLD + subscription(true, true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badSnippetIsFlagged(Case c) {
    List<Violation> violations = check(c.bad());
    assertTrue(
        violations.stream().anyMatch(v -> v.rule() == c.rule()),
        "expected " + c.rule() + " in " + violations);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void goodVariantPasses(Case c) {
    List<Violation> violations = check(c.good());
    assertFalse(
        violations.stream().anyMatch(v -> v.rule() == c.rule()),
        "did not expect " + c.rule() + " in " + violations);
  }

  /** The check refuses HCL that hcl4j mis-nests, instead of checking what is left of it. */
  @Test
  void blockLostByTheParserFailsLoudly() {
    String swallowing =
        """
        locals {
          by_name = { for t in var.things : t.name => { id = t.id } }
          things  = 2
        }
        resource "google_storage_bucket" "open" {
          name = "b"
        }
        """;
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> TerraformModule.parse(Map.of("swallow.tf", swallowing)));
    assertTrue(e.getMessage().contains("swallow.tf"), e.getMessage());
  }

  private static List<Violation> check(String hcl) {
    return TerraformPolicy.check(TerraformModule.parse(Map.of("snippet.tf", hcl)));
  }

  private static String bucketMember(String role, String member) {
    return """
        resource "google_storage_bucket_iam_member" "m" {
          bucket = "data"
          role   = "%s"
          member = %s
        }
        """
        .formatted(role, member);
  }

  private static String projectMember(String role, String member) {
    return """
        resource "google_project_iam_member" "m" {
          project = "p"
          role    = "%s"
          member  = %s
        }
        """
        .formatted(role, member);
  }

  private static String bucket(String uniform, String prevention) {
    return """
        resource "google_storage_bucket" "b" {
          name                        = "b"
          location                    = "US"
          uniform_bucket_level_access = %s
          public_access_prevention    = "%s"
        }
        """
        .formatted(uniform, prevention);
  }

  private static String job(String account) {
    return """
        resource "google_cloud_run_v2_job" "backfill" {
          name = "backfill"
          template {
            task_count = 2
            template {
              service_account = google_service_account.%s.email
              containers {
                image = "img"
              }
            }
          }
        }
        """
        .formatted(account);
  }

  private static String notifier(String retry) {
    return """
        resource "google_service_account" "notifier" {
          account_id = "sg-notifier"
        }
        resource "google_cloudfunctions2_function" "notifier" {
          name = "notifier"
          service_config {
            service_account_email = google_service_account.notifier.email
          }
          event_trigger {
            event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
            service_account_email = google_service_account.trigger.email
            %s
          }
        }
        """
        .formatted(retry);
  }

  private static String subscription(boolean retry, boolean deadLetter) {
    return """
        resource "google_pubsub_subscription" "alerts" {
          name  = "alerts"
          topic = google_pubsub_topic.alerts.id
          %s
          %s
        }
        """
        .formatted(
            retry ? "retry_policy {\n    minimum_backoff = \"10s\"\n  }" : "",
            deadLetter
                ? "dead_letter_policy {\n    dead_letter_topic = google_pubsub_topic.dead_letter.id\n"
                    + "    max_delivery_attempts = 10\n  }"
                : "");
  }
}
