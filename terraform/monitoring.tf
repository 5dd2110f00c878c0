# Alert policies: a checksum alert was published, a message was dead-lettered, a function
# logged at CRITICAL. Each notifies var.notification_channels plus one e-mail channel per
# address in var.alert_emails.

resource "google_monitoring_notification_channel" "email" {
  for_each = toset(var.alert_emails)

  project      = var.project_id
  display_name = "scenegate alerts: ${each.value}"
  type         = "email"
  labels = {
    email_address = each.value
  }

  depends_on = [google_project_service.enabled]
}

locals {
  notification_channels = concat(var.notification_channels, [for c in google_monitoring_notification_channel.email : c.id])
}

resource "google_monitoring_alert_policy" "checksum_alerts" {
  project      = var.project_id
  display_name = "scenegate: checksum alert published"
  combiner     = "OR"
  severity     = "CRITICAL"

  conditions {
    display_name = "Messages published to ${google_pubsub_topic.checksum_alerts.name}"

    condition_threshold {
      filter          = "resource.type = \"pubsub_topic\" AND resource.labels.topic_id = \"${google_pubsub_topic.checksum_alerts.name}\" AND metric.type = \"pubsub.googleapis.com/topic/send_message_operation_count\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = <<-EOT
      A stage's files no longer match their checksum manifest (or a backfill found drift, or a
      quality gate failed). The alert notifier posts the details (scene, manifest, each failing
      file with expected and actual hash) to the configured webhooks; the messages are also on
      the alert subscriptions. Remediation: re-stage the assets by re-running the job that
      produced them, confirm storage integrity, then re-run the downstream job.
    EOT
  }

  notification_channels = local.notification_channels
}

resource "google_monitoring_alert_policy" "dead_letters" {
  project      = var.project_id
  display_name = "scenegate: alert messages dead-lettered"
  combiner     = "OR"
  severity     = "ERROR"

  conditions {
    display_name = "Messages forwarded to ${google_pubsub_topic.dead_letter.name}"

    condition_threshold {
      filter          = "resource.type = \"pubsub_topic\" AND resource.labels.topic_id = \"${google_pubsub_topic.dead_letter.name}\" AND metric.type = \"pubsub.googleapis.com/topic/send_message_operation_count\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  conditions {
    display_name = "Dead letters waiting in ${google_pubsub_subscription.dead_letter_hold.name}"

    condition_threshold {
      filter          = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${google_pubsub_subscription.dead_letter_hold.name}\" AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "300s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_MAX"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = <<-EOT
      An alert subscriber did not acknowledge a checksum alert within its delivery attempts, so
      the alert was moved to the dead-letter topic. Inspect the messages on the dead-letter hold
      subscription, fix the subscriber, then replay or acknowledge them.
    EOT
  }

  notification_channels = local.notification_channels
}

# Log-based metric: CRITICAL entries from scenegate's functions (the structured logs carry
# scene_id, stage and the trigger object).
resource "google_logging_metric" "critical_logs" {
  project = var.project_id
  name    = "${var.name_prefix}-critical-logs"
  filter  = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = (\"${google_cloudfunctions2_function.marker.name}\" OR \"${google_cloudfunctions2_function.notifier.name}\") AND severity >= CRITICAL"

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"
  }
}

resource "google_monitoring_alert_policy" "critical_logs" {
  project      = var.project_id
  display_name = "scenegate: CRITICAL log entries"
  combiner     = "OR"
  severity     = "CRITICAL"

  conditions {
    display_name = "CRITICAL entries from the scenegate functions"

    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND metric.type = \"logging.googleapis.com/user/${google_logging_metric.critical_logs.name}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "60s"
        per_series_aligner = "ALIGN_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A scenegate function logged at CRITICAL severity. Open Logs Explorer on the function and read the entry's scene_id, stage and trigger object."
  }

  notification_channels = local.notification_channels
}
