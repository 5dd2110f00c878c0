# Identities and grants. Each workload runs as its own service account, and every grant names
# the one bucket, topic, subscription, secret or service it is for. The only project-level
# grants are the two that Google Cloud offers at no narrower scope (see below); none of them
# is a storage or Pub/Sub role of ours. TerraformPolicyTest (functions module) enforces this over
# every grant in the module; tests/iam.tftest.hcl checks each service account's bindings in a plan.

# ---------------------------------------------------------------------------------------------
# Service accounts: one per function / job, and one per Eventarc trigger
# ---------------------------------------------------------------------------------------------

resource "google_service_account" "marker" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-marker"
  display_name = "scenegate marker function"
  description  = "Runtime identity of the marker function: reads scenes, writes state and .failed markers, publishes stage events and checksum alerts."

  depends_on = [time_sleep.apis_propagate]
}

resource "google_service_account" "notifier" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-notifier"
  display_name = "scenegate alert notifier function"
  description  = "Runtime identity of the alert notifier: reads the webhook secrets, keeps alert de-duplication records under the state prefix."

  depends_on = [time_sleep.apis_propagate]
}

resource "google_service_account" "backfill" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-backfill"
  display_name = "scenegate backfill job"
  description  = "Runtime identity of the SHA-256 backfill Cloud Run Job: reads scenes, writes hash metadata, manifests and checkpoints, publishes drift alerts."

  depends_on = [time_sleep.apis_propagate]
}

resource "google_service_account" "sweep" {
  count = local.sweep_enabled ? 1 : 0

  project      = var.project_id
  account_id   = "${var.name_prefix}-sweep"
  display_name = "scenegate scheduled sweep"
  description  = "Runtime identity of the sweep Cloud Run Job: reads scenes, re-drives lost markers (state, .failed markers, digest ledger), publishes stage events and freshness / fixity alerts."

  depends_on = [time_sleep.apis_propagate]
}

resource "google_service_account" "sweep_scheduler" {
  count = local.sweep_enabled ? 1 : 0

  project      = var.project_id
  account_id   = "${var.name_prefix}-sweep-sched"
  display_name = "scenegate sweep scheduler"
  description  = "Cloud Scheduler identity: starts executions of the sweep job, nothing else."

  depends_on = [time_sleep.apis_propagate]
}

resource "google_service_account" "marker_trigger" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-marker-evt"
  display_name = "scenegate marker trigger"
  description  = "Eventarc trigger identity: receives Cloud Storage events and invokes the marker function, nothing else."

  depends_on = [time_sleep.apis_propagate]
}

resource "google_service_account" "notifier_trigger" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-notifier-evt"
  display_name = "scenegate alert notifier push"
  description  = "Push identity of the notifier's subscription: its OIDC token invokes the notifier function, nothing else."

  depends_on = [time_sleep.apis_propagate]
}

# ---------------------------------------------------------------------------------------------
# Object-prefix conditions on the state bucket
# ---------------------------------------------------------------------------------------------

# IAM conditions on object names need uniform bucket-level access, which every bucket here has.
# resource.name is the object for get / create / delete; a listing is a request on the bucket,
# whose prefix the storage.googleapis.com/objectListPrefix API attribute carries (IAM Conditions
# attribute reference, https://cloud.google.com/iam/docs/conditions-attribute-reference), so a
# grant that must list says so with a second clause.
locals {
  # The digest ledger (DESIGN, "Digest ledger"): documents only scenegate writes, in the state
  # bucket. Its writers are the marker function, the backfill job and the sweep.
  ledger_prefix = "_scenegate/digests/"

  state_objects = "projects/_/buckets/${local.state_bucket_name}/objects/"
  state_prefix_condition = join(" || ", [
    "resource.name.startsWith(\"${local.state_objects}${var.state_prefix}\")",
    "api.getAttribute(\"storage.googleapis.com/objectListPrefix\", \"\").startsWith(\"${var.state_prefix}\")",
  ])
  ledger_condition = join(" || ", [
    "resource.name.startsWith(\"${local.state_objects}${local.ledger_prefix}\")",
    "api.getAttribute(\"storage.googleapis.com/objectListPrefix\", \"\").startsWith(\"${local.ledger_prefix}\")",
  ])

  # The sweep's own records (the freshness check's claims, one document per scene, under
  # _scenegate/sweep/freshness/): only the sweep writes them.
  sweep_records_prefix = "_scenegate/sweep/"
  sweep_records_condition = join(" || ", [
    "resource.name.startsWith(\"${local.state_objects}${local.sweep_records_prefix}\")",
    "api.getAttribute(\"storage.googleapis.com/objectListPrefix\", \"\").startsWith(\"${local.sweep_records_prefix}\")",
  ])
}

# ---------------------------------------------------------------------------------------------
# Marker function: objects of the data bucket, state documents and ledger; publish on its topics
# ---------------------------------------------------------------------------------------------

# objectUser, not objectAdmin: get/list/create/delete/update objects (a compare-and-set
# overwrite of a state document needs create + delete) but no IAM or ACL changes.
resource "google_storage_bucket_iam_member" "marker_data_objects" {
  bucket = local.data_bucket_name
  role   = "roles/storage.objectUser"
  member = google_service_account.marker.member
}

# The state documents (read by name, never listed) and, below, the ledger: nothing else of the
# state bucket. With state_in_data_bucket both live in the data bucket, granted above.
resource "google_storage_bucket_iam_member" "marker_state_objects" {
  count = local.separate_state_bucket ? 1 : 0

  bucket = local.state_bucket_name
  role   = "roles/storage.objectUser"
  member = google_service_account.marker.member

  condition {
    title       = "scenegate-state-documents"
    description = "Objects under the scenegate state prefix."
    expression  = "resource.name.startsWith(\"${local.state_objects}${var.state_prefix}\")"
  }

  # A changed condition replaces the binding: add the new one before removing the old, so that a
  # deployment upgraded from the unconditioned grant never runs without access to its state.
  lifecycle {
    create_before_destroy = true
  }
}

resource "google_storage_bucket_iam_member" "marker_ledger_objects" {
  count = local.separate_state_bucket ? 1 : 0

  bucket = local.state_bucket_name
  role   = "roles/storage.objectUser"
  member = google_service_account.marker.member

  condition {
    title       = "scenegate-digest-ledger"
    description = "The digest ledger: objects under ${local.ledger_prefix}, and listing them."
    expression  = local.ledger_condition
  }
}

resource "google_pubsub_topic_iam_member" "marker_publishes_stage_events" {
  project = var.project_id
  topic   = google_pubsub_topic.stage_events.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.marker.member
}

resource "google_pubsub_topic_iam_member" "marker_publishes_checksum_alerts" {
  project = var.project_id
  topic   = google_pubsub_topic.checksum_alerts.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.marker.member
}

# ---------------------------------------------------------------------------------------------
# Alert notifier: the webhook secrets, and its de-duplication records under the state prefix
# ---------------------------------------------------------------------------------------------

resource "google_secret_manager_secret_iam_member" "notifier_reads_webhook_secret" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.webhook.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.notifier.member
}

resource "google_secret_manager_secret_iam_member" "notifier_reads_slack_urls" {
  count = local.slack_configured ? 1 : 0

  project   = var.project_id
  secret_id = google_secret_manager_secret.slack_webhook_urls[0].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.notifier.member
}

# Objects under the state prefix only (an IAM condition; needs uniform bucket-level access,
# which every bucket here has). The notifier never lists, so the condition can be this tight.
resource "google_storage_bucket_iam_member" "notifier_state_objects" {
  bucket = local.state_bucket_name
  role   = "roles/storage.objectUser"
  member = google_service_account.notifier.member

  condition {
    title       = "scenegate-state-prefix-only"
    description = "Objects under the scenegate state prefix."
    expression  = "resource.name.startsWith(\"projects/_/buckets/${local.state_bucket_name}/objects/${var.state_prefix}\")"
  }
}

# ---------------------------------------------------------------------------------------------
# Backfill job: objects of the data bucket (hash metadata, its checkpoints under
# _scenegate/backfill/ there), the digest ledger; publish drift alerts
# ---------------------------------------------------------------------------------------------

resource "google_storage_bucket_iam_member" "backfill_data_objects" {
  bucket = local.data_bucket_name
  role   = "roles/storage.objectUser"
  member = google_service_account.backfill.member
}

# The backfill reads no state document: of the state bucket it needs the ledger only (what a
# verification hashed it skips, what it hashes a verification reuses).
resource "google_storage_bucket_iam_member" "backfill_ledger_objects" {
  count = local.separate_state_bucket ? 1 : 0

  bucket = local.state_bucket_name
  role   = "roles/storage.objectUser"
  member = google_service_account.backfill.member

  condition {
    title       = "scenegate-digest-ledger"
    description = "The digest ledger: objects under ${local.ledger_prefix}, and listing them."
    expression  = local.ledger_condition
  }
}

resource "google_pubsub_topic_iam_member" "backfill_publishes_checksum_alerts" {
  project = var.project_id
  topic   = google_pubsub_topic.checksum_alerts.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.backfill.member
}

# ---------------------------------------------------------------------------------------------
# Sweep job: read the data bucket, write .failed markers; state documents, its own records and
# the ledger; publish on both topics. Its scheduler: run this one job.
# ---------------------------------------------------------------------------------------------

# Logs and metrics need no grant: Cloud Run sends the container's stdout and stderr to Cloud
# Logging itself (https://cloud.google.com/run/docs/logging), and scenegate's metrics are JSON
# log lines for log-based metrics (docs/operations.md), so neither logging.logWriter nor
# monitoring.metricWriter is granted.

# Listing and reading scenes (markers, manifests, metadata for the audit): no writes.
resource "google_storage_bucket_iam_member" "sweep_data_objects" {
  count = local.sweep_enabled ? 1 : 0

  bucket = local.data_bucket_name
  role   = "roles/storage.objectViewer"
  member = google_service_account.sweep[0].member
}

# A re-driven marker runs through the marker's own handler, which writes a stage's .failed
# marker on failure and deletes it on a later pass (DESIGN, "Objects in the bucket"); those
# objects only.
resource "google_storage_bucket_iam_member" "sweep_failed_markers" {
  count = local.sweep_enabled ? 1 : 0

  bucket = local.data_bucket_name
  role   = "roles/storage.objectUser"
  member = google_service_account.sweep[0].member

  condition {
    title       = "scenegate-failed-markers"
    description = "The .failed markers under scenes/."
    expression  = "resource.name.startsWith(\"projects/_/buckets/${local.data_bucket_name}/objects/scenes/\") && resource.name.endsWith(\"/.failed\")"
  }
}

# The state documents, listed too (the freshness check walks every scene's state).
resource "google_storage_bucket_iam_member" "sweep_state_objects" {
  count = local.sweep_enabled ? 1 : 0

  bucket = local.state_bucket_name
  role   = "roles/storage.objectUser"
  member = google_service_account.sweep[0].member

  condition {
    title       = "scenegate-state-documents"
    description = "Objects under the scenegate state prefix, and listing them."
    expression  = local.state_prefix_condition
  }
}

# Its freshness claims: which stale stage was alerted for which marker generation, so that a
# stage gets one freshness alert, whatever the number of sweeps.
resource "google_storage_bucket_iam_member" "sweep_own_records" {
  count = local.sweep_enabled ? 1 : 0

  bucket = local.state_bucket_name
  role   = "roles/storage.objectUser"
  member = google_service_account.sweep[0].member

  condition {
    title       = "scenegate-sweep-records"
    description = "The sweep's records: objects under ${local.sweep_records_prefix}, and listing them."
    expression  = local.sweep_records_condition
  }
}

# Unlike the marker's and the backfill's, granted in the data bucket too when the state lives
# there: the sweep has no other write access to it.
resource "google_storage_bucket_iam_member" "sweep_ledger_objects" {
  count = local.sweep_enabled ? 1 : 0

  bucket = local.state_bucket_name
  role   = "roles/storage.objectUser"
  member = google_service_account.sweep[0].member

  condition {
    title       = "scenegate-digest-ledger"
    description = "The digest ledger: objects under ${local.ledger_prefix}, and listing them."
    expression  = local.ledger_condition
  }
}

resource "google_pubsub_topic_iam_member" "sweep_publishes_stage_events" {
  count = local.sweep_enabled ? 1 : 0

  project = var.project_id
  topic   = google_pubsub_topic.stage_events.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.sweep[0].member
}

resource "google_pubsub_topic_iam_member" "sweep_publishes_checksum_alerts" {
  count = local.sweep_enabled ? 1 : 0

  project = var.project_id
  topic   = google_pubsub_topic.checksum_alerts.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.sweep[0].member
}

# roles/run.invoker on this job only: it holds run.jobs.run, what jobs.run checks ("Execute jobs
# on a schedule", https://cloud.google.com/run/docs/execute/jobs-on-schedule).
resource "google_cloud_run_v2_job_iam_member" "scheduler_runs_sweep" {
  count = local.sweep_enabled ? 1 : 0

  project  = var.project_id
  location = google_cloud_run_v2_job.sweep[0].location
  name     = google_cloud_run_v2_job.sweep[0].name
  role     = "roles/run.invoker"
  member   = google_service_account.sweep_scheduler[0].member
}

# ---------------------------------------------------------------------------------------------
# Trigger and push identities: receive events, invoke their own function
# ---------------------------------------------------------------------------------------------

# Project level because Eventarc checks eventarc.events.receiveEvent on the project; the role
# holds that one permission. The notifier's push subscription does not need it.
resource "google_project_iam_member" "marker_trigger_receives_events" {
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = google_service_account.marker_trigger.member
}

# A gen2 function is served by the Cloud Run service of the same name.
resource "google_cloud_run_service_iam_member" "marker_trigger_invokes_marker" {
  project  = var.project_id
  location = google_cloudfunctions2_function.marker.location
  service  = google_cloudfunctions2_function.marker.name
  role     = "roles/run.invoker"
  member   = google_service_account.marker_trigger.member
}

resource "google_cloud_run_service_iam_member" "notifier_trigger_invokes_notifier" {
  project  = var.project_id
  location = google_cloudfunctions2_function.notifier.location
  service  = google_cloudfunctions2_function.notifier.name
  role     = "roles/run.invoker"
  member   = google_service_account.notifier_trigger.member
}

# ---------------------------------------------------------------------------------------------
# Google-managed service agents
# ---------------------------------------------------------------------------------------------

# Eventarc creates the topic of a Cloud Storage trigger itself, under a generated name, and
# registers the bucket notification in the same step, which needs the agent's publish right on
# that topic at once; so this one grant cannot be scoped to a topic Terraform knows. It goes to
# the Google-managed agent, never to a scenegate identity (the only exception
# TerraformPolicyTest allows).
resource "google_project_iam_member" "gcs_agent_publishes_notifications" {
  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

resource "google_kms_crypto_key_iam_member" "gcs_agent_cmek" {
  count = var.kms_key_name == null ? 0 : 1

  crypto_key_id = var.kms_key_name
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

# Dead-lettering: the Pub/Sub service agent forwards undeliverable messages (publisher on the
# dead-letter topic) and acknowledges them on the source subscription (subscriber on it).
resource "google_pubsub_topic_iam_member" "dead_letter_publisher_pubsub_agent" {
  project = var.project_id
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_agent
}

resource "google_pubsub_topic_iam_member" "stage_dead_letter_publisher_pubsub_agent" {
  count = local.stage_gating ? 1 : 0

  project = var.project_id
  topic   = google_pubsub_topic.stage_events_dead_letter[0].name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_agent
}

resource "google_pubsub_subscription_iam_member" "alerts_subscriber_pubsub_agent" {
  for_each = var.alert_subscriptions

  project      = var.project_id
  subscription = google_pubsub_subscription.alerts[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}

resource "google_pubsub_subscription_iam_member" "notifier_subscriber_pubsub_agent" {
  project      = var.project_id
  subscription = google_pubsub_subscription.notifier.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}

resource "google_pubsub_subscription_iam_member" "stage_subscriber_pubsub_agent" {
  for_each = var.stage_subscriptions

  project      = var.project_id
  subscription = google_pubsub_subscription.stage[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}

# Only for projects whose Pub/Sub service agent predates 2021-04-08: it mints the push tokens
# of the trigger and push identities. Scoped to those two service accounts.
resource "google_service_account_iam_member" "pubsub_agent_tokens_marker_trigger" {
  count = var.legacy_pubsub_token_creator ? 1 : 0

  service_account_id = google_service_account.marker_trigger.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
}

resource "google_service_account_iam_member" "pubsub_agent_tokens_notifier_trigger" {
  count = var.legacy_pubsub_token_creator ? 1 : 0

  service_account_id = google_service_account.notifier_trigger.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
}

# ---------------------------------------------------------------------------------------------
# People and systems that pull alerts
# ---------------------------------------------------------------------------------------------

resource "google_pubsub_subscription_iam_member" "alert_subscribers" {
  # Keys are "<subscription> <principal>" (neither holds a space). A list `for` rather than an
  # object `for`: hcl4j, which the policy test parses this with, mis-nests object `for`s.
  for_each = toset([for pair in setproduct(keys(var.alert_subscriptions), var.alert_subscriber_members) : join(" ", pair)])

  project      = var.project_id
  subscription = google_pubsub_subscription.alerts[split(" ", each.value)[0]].name
  role         = "roles/pubsub.subscriber"
  member       = split(" ", each.value)[1]
}

resource "google_pubsub_subscription_iam_member" "stage_subscribers" {
  # Keys are "<subscription> <principal>" (neither holds a space); a list `for`, see above.
  for_each = toset(flatten([for name, sub in var.stage_subscriptions : [for m in sub.subscriber_members : "${name} ${m}"]]))

  project      = var.project_id
  subscription = google_pubsub_subscription.stage[split(" ", each.value)[0]].name
  role         = "roles/pubsub.subscriber"
  member       = split(" ", each.value)[1]
}

# ---------------------------------------------------------------------------------------------
# Propagation
# ---------------------------------------------------------------------------------------------

# IAM bindings take effect eventually (typically within minutes): an Eventarc trigger, a build or
# a push subscription created right after its grants can be refused. The functions wait for
# every grant they, their builds and the marker's trigger rely on, and the sweep's schedule for
# the sweep's (its first run may come minutes after the apply); on create only.
resource "time_sleep" "grants_propagate" {
  create_duration = var.propagation_waits.iam

  depends_on = [
    google_project_iam_member.gcs_agent_publishes_notifications,
    google_project_iam_member.marker_trigger_receives_events,
    google_storage_bucket_iam_member.marker_data_objects,
    google_storage_bucket_iam_member.marker_state_objects,
    google_storage_bucket_iam_member.marker_ledger_objects,
    google_pubsub_topic_iam_member.marker_publishes_stage_events,
    google_pubsub_topic_iam_member.marker_publishes_checksum_alerts,
    google_secret_manager_secret_iam_member.notifier_reads_webhook_secret,
    google_secret_manager_secret_iam_member.notifier_reads_slack_urls,
    google_storage_bucket_iam_member.notifier_state_objects,
    google_storage_bucket_iam_member.sweep_data_objects,
    google_storage_bucket_iam_member.sweep_failed_markers,
    google_storage_bucket_iam_member.sweep_state_objects,
    google_storage_bucket_iam_member.sweep_ledger_objects,
    google_storage_bucket_iam_member.sweep_own_records,
    google_pubsub_topic_iam_member.sweep_publishes_stage_events,
    google_pubsub_topic_iam_member.sweep_publishes_checksum_alerts,
    google_project_iam_member.build_writes_logs,
    google_artifact_registry_repository_iam_member.build_pushes_images,
    google_storage_bucket_iam_member.build_reads_source,
    google_service_account_iam_member.pubsub_agent_tokens_marker_trigger,
  ]
}

# The notifier's push subscription starts calling as soon as it exists: it waits for the
# invoker grant on the function's service (which can only follow the function) to propagate.
resource "time_sleep" "notifier_invoker_propagates" {
  create_duration = var.propagation_waits.iam

  depends_on = [
    google_cloud_run_service_iam_member.notifier_trigger_invokes_notifier,
    google_service_account_iam_member.pubsub_agent_tokens_notifier_trigger,
  ]
}
