output "data_bucket" {
  description = "The data bucket the marker function watches."
  value       = local.data_bucket_name
}

output "state_location" {
  description = "Where the per-scene state documents live."
  value       = "gs://${local.state_bucket_name}/${var.state_prefix}"
}

output "source_bucket" {
  description = "Bucket holding the function source archive."
  value       = local.source_bucket_name
}

output "function_source_object" {
  description = "The uploaded function source (named after the jar's SHA-256)."
  value       = google_storage_bucket_object.function_source.name
}

output "topics" {
  description = "Topic IDs by role."
  value = {
    stage_events    = google_pubsub_topic.stage_events.id
    checksum_alerts = google_pubsub_topic.checksum_alerts.id
    dead_letter     = google_pubsub_topic.dead_letter.id
  }
}

output "state_bucket" {
  description = "The bucket of the state documents (the data bucket when state_in_data_bucket)."
  value       = local.state_bucket_name
}

output "alert_subscriptions" {
  description = "Alert subscription IDs, the notifier's push subscription, and the dead-letter hold subscription."
  value = {
    alerts           = [for s in google_pubsub_subscription.alerts : s.id]
    notifier         = google_pubsub_subscription.notifier.id
    dead_letter_hold = google_pubsub_subscription.dead_letter_hold.id
  }
}

output "stage_subscriptions" {
  description = "Downstream subscriptions on stage-events by name: ID, filter, and push endpoint (null for pull)."
  value = {
    for name, sub in google_pubsub_subscription.stage : name => {
      id            = sub.id
      filter        = sub.filter
      push_endpoint = var.stage_subscriptions[name].push_endpoint
    }
  }
}

output "stage_events_dead_letter_hold" {
  description = "Subscription holding stage events that a downstream consumer did not take (null without stage_subscriptions)."
  value       = local.stage_gating ? google_pubsub_subscription.stage_events_dead_letter_hold[0].id : null
}

output "image_repository" {
  description = "Where this module's images live (<region>-docker.pkg.dev/<project>/<repository>): push the job image (backfill and sweep) here, e.g. <image_repository>/scenegate-backfill:<version>."
  value       = local.image_repository
}

output "build_service_account" {
  description = "Service account the builds run as (function builds, and the backfill image build with gcloud builds submit --service-account)."
  value       = local.build_service_account_email
}

output "marker_function_name" {
  description = "Name of the marker function."
  value       = google_cloudfunctions2_function.marker.name
}

output "notifier_function_name" {
  description = "Name of the alert notifier function."
  value       = google_cloudfunctions2_function.notifier.name
}

output "backfill_job_name" {
  description = "Name of the backfill Cloud Run Job (null when backfill_image is null)."
  value       = var.backfill_image == null ? null : google_cloud_run_v2_job.backfill[0].name
}

output "sweep_job_name" {
  description = "Name of the scheduled sweep's Cloud Run Job (null when sweep_enabled is false or backfill_image is null)."
  value       = local.sweep_enabled ? google_cloud_run_v2_job.sweep[0].name : null
}

output "sweep_scheduler_job" {
  description = "Cloud Scheduler job that starts the sweep, and its schedule (null without the sweep)."
  value = local.sweep_enabled ? {
    id        = google_cloud_scheduler_job.sweep[0].id
    schedule  = google_cloud_scheduler_job.sweep[0].schedule
    time_zone = google_cloud_scheduler_job.sweep[0].time_zone
  } : null
}

output "service_accounts" {
  description = "Service account e-mail addresses by workload."
  value = {
    marker           = google_service_account.marker.email
    notifier         = google_service_account.notifier.email
    backfill         = google_service_account.backfill.email
    marker_trigger   = google_service_account.marker_trigger.email
    notifier_trigger = google_service_account.notifier_trigger.email
    build            = local.build_service_account_email
    sweep            = local.sweep_enabled ? google_service_account.sweep[0].email : null
    sweep_scheduler  = local.sweep_enabled ? google_service_account.sweep_scheduler[0].email : null
  }
}

output "webhook_secret_id" {
  description = "Secret Manager secret holding the webhook signing secret (add a version when webhook_secret was not given)."
  value       = google_secret_manager_secret.webhook.id
}
