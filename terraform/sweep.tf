# The scheduled sweep (DESIGN, "Sweeps, freshness, audit and the fleet view"): every
# sweep_schedule (hourly by default) one execution of `scenegate sweep --bucket <data bucket>`
# re-drives the markers whose events never arrived (reconcile), raises freshness alerts for
# stages running or waiting past their deadlines, and audits passed checksum stages against the
# generations they verified (metadata only). It is what recovers an event Eventarc dropped: the
# marker trigger's hidden subscription keeps an undeliverable event 24 hours and has no
# dead-letter topic (docs/deploy.md).
#
# A Cloud Run Job started by Cloud Scheduler, not a function on a Scheduler topic:
#   - a sweep lists every scene and may evaluate (and verify) many re-driven markers; an
#     event-driven function stops at 540 s, a job task may run for hours (sweep_task_timeout);
#   - DESIGN's signals rule for batch jobs: stopped by SIGTERM (its timeout, a host shutdown)
#     the sweep ends after the scene in hand (each scene's state is one compare-and-set write:
#     nothing half-written) and exits 143, so Cloud Run counts the task as not done and retries
#     it (sweep_max_retries); the retry skips what is already processed. A function on a
#     Scheduler topic would be cut off at its timeout and redelivered while the next hour's
#     message arrives;
#   - it is the same image as the backfill job (terraform/backfill-image, var.backfill_image):
#     one artifact for the batch commands, no second build.
# Run it by hand with: gcloud run jobs execute <name_prefix>-sweep --region <region>

locals {
  sweep_enabled = var.sweep_enabled && var.backfill_image != null

  # SLA_RUNNING, SLA_WAITING and SLA_<STAGE> (fleet/Deadlines reads them). zipmap, not an
  # object `for`: hcl4j, which TerraformPolicyTest parses the module with, mis-nests those.
  freshness_env = merge(
    {
      SLA_RUNNING = var.freshness_deadlines.running
      SLA_WAITING = var.freshness_deadlines.waiting
    },
    zipmap([for stage in keys(var.freshness_deadlines.stages) : "SLA_${upper(stage)}"], values(var.freshness_deadlines.stages)),
  )

  # The marker function's environment (a re-driven marker is decided exactly as a delivery
  # would be: same buckets, topics, gate thresholds, marker_extra_env), plus the deadlines.
  sweep_env = merge(local.marker_env, local.freshness_env)

  # The interval the schedule implies, for the usual cron forms (`M * * * *` hourly, `*/N * * * *`
  # and `M */H * * *` with N dividing 60 and H dividing 24, `M H * * *` daily); null for any
  # other form, whose interval sweep_interval_minutes is taken to be. (try(): HCL's && does not
  # short-circuit.)
  sweep_cron        = split(" ", var.sweep_schedule)
  sweep_cron_daily  = try(join(" ", slice(local.sweep_cron, 2, 5)) == "* * *", false)
  sweep_cron_minute = try(regex("^[0-9]{1,2}$", local.sweep_cron[0]) != "", false)
  sweep_cron_hour   = try(regex("^[0-9]{1,2}$", local.sweep_cron[1]) != "", false)
  sweep_cron_every_minutes = try(
    tonumber(regex("^\\*/([0-9]+)$", local.sweep_cron[0])[0]) * (local.sweep_cron[1] == "*" ? 1 : 0), 0
  )
  sweep_cron_every_hours = try(tonumber(regex("^\\*/([0-9]+)$", local.sweep_cron[1])[0]), 0)
  sweep_schedule_minutes = !local.sweep_cron_daily ? null : (
    local.sweep_cron_minute && local.sweep_cron[1] == "*" ? 60 : (
      local.sweep_cron_every_minutes > 0 && try(60 % local.sweep_cron_every_minutes == 0, false) ? local.sweep_cron_every_minutes : (
        local.sweep_cron_minute && local.sweep_cron_every_hours > 0 && try(24 % local.sweep_cron_every_hours == 0, false) ? 60 * local.sweep_cron_every_hours : (
          local.sweep_cron_minute && local.sweep_cron_hour ? 1440 : null
        )
      )
    )
  )
}

resource "google_cloud_run_v2_job" "sweep" {
  count = local.sweep_enabled ? 1 : 0

  project             = var.project_id
  location            = var.region
  name                = "${var.name_prefix}-sweep"
  labels              = local.labels
  deletion_protection = var.deletion_protection

  template {
    # One task: reconcile, the freshness check and the audit each walk the bucket once.
    task_count  = 1
    parallelism = 1
    labels      = local.labels

    template {
      service_account = google_service_account.sweep[0].email
      max_retries     = var.sweep_max_retries
      timeout         = var.sweep_task_timeout

      containers {
        image = var.backfill_image
        args  = concat(["sweep", "--bucket", local.data_bucket_name], var.sweep_extra_args)

        dynamic "env" {
          for_each = local.sweep_env
          content {
            name  = env.key
            value = env.value
          }
        }

        resources {
          limits = {
            cpu    = var.sweep_resources.cpu
            memory = var.sweep_resources.memory
          }
        }
      }
    }
  }

  lifecycle {
    precondition {
      condition     = local.sweep_schedule_minutes == null || local.sweep_schedule_minutes == var.sweep_interval_minutes
      error_message = "sweep_schedule \"${var.sweep_schedule}\" runs every ${coalesce(local.sweep_schedule_minutes, 0)} minutes but sweep_interval_minutes is ${var.sweep_interval_minutes}: set them consistently (the not-succeeded alert waits twice the interval)."
    }
    precondition {
      condition     = tonumber(trimsuffix(var.sweep_task_timeout, "s")) <= var.sweep_interval_minutes * 60
      error_message = "sweep_task_timeout (${var.sweep_task_timeout}) must not exceed sweep_interval_minutes (${var.sweep_interval_minutes} min): one attempt has to fit between two scheduled runs."
    }
  }

  depends_on = [
    google_storage_bucket_iam_member.sweep_data_objects,
    google_storage_bucket_iam_member.sweep_failed_markers,
    google_storage_bucket_iam_member.sweep_state_objects,
    google_storage_bucket_iam_member.sweep_ledger_objects,
    google_storage_bucket_iam_member.sweep_own_records,
    google_pubsub_topic_iam_member.sweep_publishes_stage_events,
    google_pubsub_topic_iam_member.sweep_publishes_checksum_alerts,
  ]
}

# Cloud Scheduler calls the Cloud Run Admin API's jobs.run with an OAuth access token of its own
# service account (an OIDC token is for run.app URLs, not googleapis.com): "Execute jobs on a
# schedule", https://cloud.google.com/run/docs/execute/jobs-on-schedule. Cloud Scheduler's
# service agent mints that token; it holds the Cloud Scheduler Service Agent role on projects
# that enabled the API after 2019-03-19, so no grant is needed for it here.
resource "google_cloud_scheduler_job" "sweep" {
  count = local.sweep_enabled ? 1 : 0

  project     = var.project_id
  region      = var.region
  name        = "${var.name_prefix}-sweep"
  description = "Starts the scenegate sweep (reconcile, freshness, metadata audit): ${google_cloud_run_v2_job.sweep[0].name}."
  schedule    = var.sweep_schedule
  time_zone   = var.sweep_time_zone
  # jobs.run answers as soon as the execution is created (a long-running operation); the
  # execution's own outcome is watched by the not-succeeded alert, not by Scheduler.
  attempt_deadline = "60s"

  # A refused or failed start is tried again; an execution started twice in a row is harmless
  # (reconcile is idempotent, each freshness alert is raised once per marker generation).
  retry_config {
    retry_count          = 3
    min_backoff_duration = "30s"
    max_backoff_duration = "300s"
  }

  http_target {
    http_method = "POST"
    uri         = "https://run.googleapis.com/v2/projects/${var.project_id}/locations/${var.region}/jobs/${google_cloud_run_v2_job.sweep[0].name}:run"

    oauth_token {
      service_account_email = google_service_account.sweep_scheduler[0].email
      scope                 = "https://www.googleapis.com/auth/cloud-platform"
    }
  }

  # The first run may come minutes after the apply: the sweep's grants have propagated by then
  # (grants_propagate waits for them). The scheduler's own run.invoker grant can only follow the
  # job; a start it refuses in the first minutes is retried (retry_config).
  depends_on = [
    time_sleep.grants_propagate,
    google_cloud_run_v2_job_iam_member.scheduler_runs_sweep,
  ]
}
