output "data_bucket" {
  description = "The data bucket the marker function watches."
  value       = module.scenegate.data_bucket
}

output "state_location" {
  description = "Where the per-scene state documents live."
  value       = module.scenegate.state_location
}

output "topics" {
  description = "Topic IDs by role."
  value       = module.scenegate.topics
}

output "functions" {
  description = "Function names."
  value = {
    marker   = module.scenegate.marker_function_name
    notifier = module.scenegate.notifier_function_name
  }
}

output "backfill_job_name" {
  description = "Backfill job (null without backfill_image)."
  value       = module.scenegate.backfill_job_name
}

output "sweep_job_name" {
  description = "Scheduled sweep job (null without backfill_image)."
  value       = module.scenegate.sweep_job_name
}

output "service_accounts" {
  description = "Service account e-mail addresses by workload."
  value       = module.scenegate.service_accounts
}

output "stage_subscriptions" {
  description = "Downstream subscriptions: ID, filter, push endpoint."
  value       = module.scenegate.stage_subscriptions
}

output "image_repository" {
  description = "Where to push the job image (backfill and sweep)."
  value       = module.scenegate.image_repository
}

output "build_service_account" {
  description = "The build service account (gcloud builds submit --service-account)."
  value       = module.scenegate.build_service_account
}

output "source_bucket" {
  description = "The source bucket (also the staging place of the backfill image build)."
  value       = module.scenegate.source_bucket
}
