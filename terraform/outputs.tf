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
  value       = google_storage_bucket.source.name
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

output "alert_subscriptions" {
  description = "Alert subscription IDs, and the dead-letter hold subscription."
  value = {
    alerts           = [for s in google_pubsub_subscription.alerts : s.id]
    dead_letter_hold = google_pubsub_subscription.dead_letter_hold.id
  }
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

output "service_accounts" {
  description = "Service account e-mail addresses by workload."
  value = {
    marker           = google_service_account.marker.email
    notifier         = google_service_account.notifier.email
    backfill         = google_service_account.backfill.email
    marker_trigger   = google_service_account.marker_trigger.email
    notifier_trigger = google_service_account.notifier_trigger.email
  }
}

output "webhook_secret_id" {
  description = "Secret Manager secret holding the webhook signing secret (add a version when webhook_secret was not given)."
  value       = google_secret_manager_secret.webhook.id
}
