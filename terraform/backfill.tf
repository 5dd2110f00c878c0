# The SHA-256 backfill as a Cloud Run Job: N tasks, each hashing its own shard of scenes
# (CLOUD_RUN_TASK_INDEX / CLOUD_RUN_TASK_COUNT), resumable from its checkpoint.
# Run it with: gcloud run jobs execute <name_prefix>-backfill --region <region>

resource "google_cloud_run_v2_job" "backfill" {
  count = var.backfill_image == null ? 0 : 1

  project             = var.project_id
  location            = var.region
  name                = "${var.name_prefix}-backfill"
  labels              = local.labels
  deletion_protection = var.deletion_protection

  template {
    task_count  = var.backfill_task_count
    parallelism = var.backfill_parallelism
    labels      = local.labels

    template {
      service_account = google_service_account.backfill.email
      max_retries     = var.backfill_max_retries
      timeout         = var.backfill_task_timeout

      containers {
        image = var.backfill_image
        args  = concat(["backfill", "gs://${local.data_bucket_name}/scenes/"], var.backfill_extra_args)

        env {
          name  = "GOOGLE_CLOUD_PROJECT"
          value = var.project_id
        }
        env {
          name  = "STATE_BUCKET"
          value = local.state_bucket_name
        }
        env {
          name  = "STATE_PREFIX"
          value = var.state_prefix
        }
        env {
          name  = "CHECKSUM_ALERTS_TOPIC"
          value = google_pubsub_topic.checksum_alerts.name
        }
        env {
          name  = "SCENEGATE_LOG_LEVEL"
          value = var.log_level
        }

        resources {
          limits = {
            cpu    = var.backfill_resources.cpu
            memory = var.backfill_resources.memory
          }
        }
      }
    }
  }

  depends_on = [
    google_storage_bucket_iam_member.backfill_data_objects,
    google_storage_bucket_iam_member.backfill_ledger_objects,
    google_pubsub_topic_iam_member.backfill_publishes_checksum_alerts,
  ]
}
