# scenegate on Google Cloud. The resources are split by concern:
#   storage.tf     data / state / source buckets and the function source archive
#   pubsub.tf      topics, alert subscriptions, the notifier push subscription, downstream
#                  stage subscriptions (stage_subscriptions), dead-lettering
#   iam.tf         one service account per workload and every grant, each scoped to its resource
#   secrets.tf     webhook signing secret (and Slack webhook URLs)
#   functions.tf   marker and alert notifier functions (Cloud Functions gen2, var.function_runtime)
#   build.tf       image repository and build service account (function builds, backfill image)
#   backfill.tf    backfill Cloud Run Job
#   sweep.tf       scheduled sweep: Cloud Run Job (reconcile, freshness, audit) and its schedule
#   monitoring.tf  alert policies

data "google_project" "this" {
  project_id = var.project_id
}

# The Cloud Storage service agent: publishes the bucket's object notifications for Eventarc.
data "google_storage_project_service_account" "gcs" {
  project = var.project_id
}

locals {
  labels = merge(var.labels, {
    app        = "scenegate"
    managed-by = "terraform"
  })

  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  apis = toset(concat([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "eventarc.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ], var.kms_key_name == null ? [] : ["cloudkms.googleapis.com"], local.sweep_enabled ? ["cloudscheduler.googleapis.com"] : []))
}

resource "google_project_service" "enabled" {
  for_each = var.enable_apis ? local.apis : toset([])

  project = var.project_id
  service = each.value
  # Other workloads in the project may use the same APIs.
  disable_on_destroy = false
}

# Enabling an API returns before the service (and its service agent: Eventarc's, Pub/Sub's)
# can be used everywhere; on a fresh project the first Eventarc trigger otherwise fails with
# "Permission denied while using the Eventarc Service Agent. If you recently started to use
# Eventarc, it may take a few minutes..." (hashicorp/terraform-provider-google#14584, #25294).
# Everything that uses an API depends on this wait, not on google_project_service directly.
# time_sleep waits on create only: later applies do not wait.
resource "time_sleep" "apis_propagate" {
  count = var.enable_apis ? 1 : 0

  create_duration = var.propagation_waits.apis
  triggers        = { apis = join(",", sort(tolist(local.apis))) }

  depends_on = [google_project_service.enabled]
}
