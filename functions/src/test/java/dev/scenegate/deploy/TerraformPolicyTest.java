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
 * is shown to fire. The module-wide rules stay here; what a plan shows (bindings per service
 * account, triggers, subscriptions, defaults) is in {@code terraform/tests/*.tftest.hcl}.
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
            "google_storage_bucket_object.function_source",
            "google_pubsub_subscription.notifier",
            "google_pubsub_subscription.stage",
            "google_project_iam_member.build_writes_logs",
            "google_artifact_registry_repository_iam_member.build_pushes_images",
            "google_pubsub_subscription_iam_member.stage_subscribers",
            "google_cloud_run_v2_job.sweep",
            "google_cloud_scheduler_job.sweep",
            "google_cloud_run_v2_job_iam_member.scheduler_runs_sweep",
            "google_monitoring_alert_policy.sweep_not_succeeding",
            "google_storage_bucket_iam_member.marker_ledger_objects",
            "google_storage_bucket_iam_member.backfill_ledger_objects",
            "google_storage_bucket_iam_member.sweep_ledger_objects")) {
      assertTrue(addresses.contains(expected), "missing " + expected);
    }
    assertTrue(repository.resources("google_service_account").size() >= 3);
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
                "sweep_job_name",
                "service_accounts")),
        outputNames.toString());
  }

  // ---------------------------------------------------------------------- the policy, proven

  /** A rule, an HCL snippet that breaks it, and a close variant that does not. */
  record Case(Rule rule, String name, String bad, String good) {
    @Override
    public String toString() {
      return rule + ": " + name;
    }
  }

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
            Rule.STATE_BUCKET_UNCONDITIONED,
            "the whole state bucket",
            """
            resource "google_storage_bucket_iam_member" "m" {
              bucket = local.state_bucket_name
              role   = "roles/storage.objectUser"
              member = google_service_account.backfill.member
            }
            """,
            """
            resource "google_storage_bucket_iam_member" "m" {
              bucket = local.state_bucket_name
              role   = "roles/storage.objectUser"
              member = google_service_account.backfill.member
              condition {
                title      = "ledger"
                expression = local.ledger_condition
              }
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
            bucketMember("roles/storage.objectViewer", "google_service_account.marker.member")));
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

  /**
   * Every grant of the module to the sweep's and the scheduler's accounts, and every grant of the
   * digest ledger, found by reading all of the source (a grant added later in any file counts):
   * exactly these, so that the plan tests of tests/sweep.tftest.hcl cover them all.
   */
  @Test
  void sweepAndLedgerGrantsAreExactlyTheExpectedOnes() {
    assertEquals(
        Set.of(
            "google_storage_bucket_iam_member roles/storage.objectViewer on local.data_bucket_name",
            "google_storage_bucket_iam_member roles/storage.objectUser on local.data_bucket_name"
                + " if .failed markers",
            "google_storage_bucket_iam_member roles/storage.objectUser on local.state_bucket_name"
                + " if state documents and listing",
            "google_storage_bucket_iam_member roles/storage.objectUser on local.state_bucket_name"
                + " if ledger and listing",
            "google_storage_bucket_iam_member roles/storage.objectUser on local.state_bucket_name"
                + " if sweep records and listing",
            "google_pubsub_topic_iam_member roles/pubsub.publisher on"
                + " google_pubsub_topic.stage_events.name",
            "google_pubsub_topic_iam_member roles/pubsub.publisher on"
                + " google_pubsub_topic.checksum_alerts.name"),
        grantsTo("google_service_account.sweep[0]"));
    assertEquals(
        Set.of(
            "google_cloud_run_v2_job_iam_member roles/run.invoker on"
                + " google_cloud_run_v2_job.sweep[0].name"),
        grantsTo("google_service_account.sweep_scheduler[0]"));
    Set<String> ledgerHolders =
        repository.resources().stream()
            .filter(b -> String.valueOf(conditionOf(b)).startsWith("ledger"))
            .map(b -> reference(b.body().get("member")))
            .collect(Collectors.toSet());
    assertEquals(
        Set.of(
            "google_service_account.marker.member",
            "google_service_account.backfill.member",
            "google_service_account.sweep[0].member"),
        ledgerHolders);
  }

  /** "type role on resource [if condition]" of every IAM grant whose member is {@code account}. */
  private static Set<String> grantsTo(String account) {
    return repository.resources().stream()
        .filter(b -> b.type().matches("^google_\\w+_iam_member$"))
        .filter(b -> reference(b.body().get("member")).equals(account + ".member"))
        .map(
            b -> {
              Object on =
                  Stream.of("bucket", "topic", "name", "service", "subscription", "secret_id")
                      .map(b.body()::get)
                      .filter(v -> v != null)
                      .map(TerraformPolicyTest::reference)
                      .findFirst()
                      .orElse("?");
              String condition = conditionOf(b);
              return b.type()
                  + " "
                  + Hcl.text(b.body(), "role")
                  + " on "
                  + on
                  + (condition == null ? "" : " if " + condition);
            })
        .collect(Collectors.toSet());
  }

  /** A reference as written: hcl4j prints an index {@code x[0].y} as {@code x.value.y}. */
  private static String reference(Object value) {
    return String.valueOf(value).replace(".value.", "[0].");
  }

  /**
   * What a grant's condition admits, in words (hcl4j resolves the locals, so the expression is read
   * as text): the ledger, the state documents, the sweep's records (each with or without their
   * listing), the .failed markers; the text itself for anything else; null without a condition.
   */
  private static String conditionOf(Block grant) {
    Object expression = Hcl.block(grant.body(), "condition").get("expression");
    if (expression == null) {
      return null;
    }
    String text = String.valueOf(expression);
    String listing = text.contains("objectListPrefix") ? " and listing" : "";
    if (text.contains("objects/_scenegate/digests/\")")) {
      return "ledger" + listing;
    } else if (text.contains("objects/_scenegate/sweep/\")")) {
      return "sweep records" + listing;
    } else if (text.contains("objects/var.state_prefix\")")) {
      return "state documents" + listing;
    } else if (text.endsWith(".endsWith(\"/.failed\")")) {
      return ".failed markers";
    }
    return text;
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
}
