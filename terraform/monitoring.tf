# Alert policies: a checksum alert was published, a message was dead-lettered, a function
# logged at CRITICAL, a backfill attempt failed, the sweep has not succeeded for two intervals. Each notifies var.notification_channels plus one e-mail channel per
# address in var.alert_emails.

resource "google_monitoring_notification_channel" "email" {
  for_each = toset(var.alert_emails)

  project      = var.project_id
  display_name = "scenegate alerts: ${each.value}"
  type         = "email"
  labels = {
    email_address = each.value
  }

  depends_on = [time_sleep.apis_propagate]
}

locals {
  notification_channels = concat(var.notification_channels, [for c in google_monitoring_notification_channel.email : c.id])

  dead_letter_topics = concat([google_pubsub_topic.dead_letter.name], [for t in google_pubsub_topic.stage_events_dead_letter : t.name])
  dead_letter_holds  = concat([google_pubsub_subscription.dead_letter_hold.name], [for h in google_pubsub_subscription.stage_events_dead_letter_hold : h.name])
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
  display_name = "scenegate: messages dead-lettered"
  combiner     = "OR"
  severity     = "ERROR"

  dynamic "conditions" {
    for_each = local.dead_letter_topics
    content {
      display_name = "Messages forwarded to ${conditions.value}"

      condition_threshold {
        filter          = "resource.type = \"pubsub_topic\" AND resource.labels.topic_id = \"${conditions.value}\" AND metric.type = \"pubsub.googleapis.com/topic/send_message_operation_count\""
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
  }

  dynamic "conditions" {
    for_each = local.dead_letter_holds
    content {
      display_name = "Dead letters waiting in ${conditions.value}"

      condition_threshold {
        filter          = "resource.type = \"pubsub_subscription\" AND resource.labels.subscription_id = \"${conditions.value}\" AND metric.type = \"pubsub.googleapis.com/subscription/num_undelivered_messages\""
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
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = <<-EOT
      A subscriber (the alert notifier, an alert subscription, or a downstream consumer of stage
      events) did not acknowledge a message within its delivery attempts, so it was moved to a
      dead-letter topic. Inspect the messages on the dead-letter hold subscription named in the
      incident, fix the subscriber, then replay or acknowledge them.
    EOT
  }

  notification_channels = local.notification_channels
}

# CRITICAL entries of scenegate's functions and backfill job (the structured logs carry
# scene_id, stage and the trigger object), as a log-match condition: Cloud Monitoring evaluates
# the log filter itself, so nothing has to exist first. (A threshold condition on a log-based
# metric fails on a fresh project with "Cannot find metric(s) that match type ... it could take
# up to 10 minutes to become available": hashicorp/terraform-provider-google#11102.) Log-match
# policies require alert_strategy.notification_rate_limit.
resource "google_monitoring_alert_policy" "critical_logs" {
  project      = var.project_id
  display_name = "scenegate: CRITICAL log entries"
  combiner     = "OR"
  severity     = "CRITICAL"

  conditions {
    display_name = "CRITICAL entries from the scenegate functions and jobs"

    condition_matched_log {
      filter = local.critical_log_filter
      label_extractors = {
        scene_id = "EXTRACT(jsonPayload.scene_id)"
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
    notification_rate_limit {
      period = "300s"
    }
  }

  documentation {
    mime_type = "text/markdown"
    content   = "A scenegate function or job logged at CRITICAL severity. Open Logs Explorer on it and read the entry's scene_id, stage and trigger object."
  }

  notification_channels = local.notification_channels

  depends_on = [time_sleep.apis_propagate]
}

locals {
  critical_log_filter = join(" OR ", compact([
    "(resource.type = \"cloud_run_revision\" AND resource.labels.service_name = (\"${google_cloudfunctions2_function.marker.name}\" OR \"${google_cloudfunctions2_function.notifier.name}\") AND severity >= CRITICAL)",
    var.backfill_image == null ? "" : "(resource.type = \"cloud_run_job\" AND resource.labels.job_name = \"${google_cloud_run_v2_job.backfill[0].name}\" AND severity >= CRITICAL)",
    local.sweep_enabled ? "(resource.type = \"cloud_run_job\" AND resource.labels.job_name = \"${google_cloud_run_v2_job.sweep[0].name}\" AND severity >= CRITICAL)" : "",
  ]))
}

# The backfill: every failed task attempt notifies, whatever a retry does after it. A task
# exits 1 when it found drift (or cannot go on) and Cloud Run retries it up to max_retries (it
# cannot retry by exit code). The backfill checkpoints drift when found and a retried attempt
# of the same execution (CLOUD_RUN_EXECUTION, set by Cloud Run) exits 1 again; this policy does
# not rely on that: it is on attempts, not executions. The drift itself is also a checksum
# alert, published when found.
resource "google_monitoring_alert_policy" "backfill_failed_attempts" {
  count = var.backfill_image == null ? 0 : 1

  project      = var.project_id
  display_name = "scenegate: backfill task attempt failed (drift or error)"
  combiner     = "OR"
  severity     = "ERROR"

  conditions {
    display_name = "Failed task attempts of ${google_cloud_run_v2_job.backfill[0].name}"

    condition_threshold {
      filter          = "resource.type = \"cloud_run_job\" AND resource.labels.job_name = \"${google_cloud_run_v2_job.backfill[0].name}\" AND metric.type = \"run.googleapis.com/job/completed_task_attempt_count\" AND metric.labels.result = \"failed\""
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
      A backfill task ended with a non-zero exit code: 1 when it found drift (a file no longer
      matches its recorded SHA-256; the drift alert names it) or could not go on, 143 when it was
      stopped and will resume from its checkpoint. A later retry that succeeds does not undo this:
      read the task's logs and the drift alerts before trusting the execution's final status.
    EOT
  }

  notification_channels = local.notification_channels
}

# The sweep: no execution succeeded for two intervals. A metric-absence condition on the
# executions that ended "succeeded": one late or failed run is not an incident, two in a row
# are (lost markers wait, stale stages go unreported). Cloud Monitoring allows an absence window
# of 120 s to 23.5 hours (https://cloud.google.com/monitoring/alerts/metric-absence), hence the
# bound on sweep_interval_minutes. An absence condition needs the series to have existed (it is
# armed by the first successful sweep), so a second condition covers a sweep that never
# succeeds, or keeps failing: two failed executions within two intervals.
resource "google_monitoring_alert_policy" "sweep_not_succeeding" {
  count = local.sweep_enabled ? 1 : 0

  project      = var.project_id
  display_name = "scenegate: sweep has not succeeded for two intervals"
  combiner     = "OR"
  severity     = "ERROR"

  conditions {
    display_name = "No successful execution of ${google_cloud_run_v2_job.sweep[0].name} in ${2 * var.sweep_interval_minutes} minutes"

    condition_absent {
      filter   = "resource.type = \"cloud_run_job\" AND resource.labels.job_name = \"${google_cloud_run_v2_job.sweep[0].name}\" AND metric.type = \"run.googleapis.com/job/completed_execution_count\" AND metric.labels.result = \"succeeded\""
      duration = "${2 * var.sweep_interval_minutes * 60}s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_SUM"
      }

      trigger {
        count = 1
      }
    }
  }

  conditions {
    display_name = "Two failed executions of ${google_cloud_run_v2_job.sweep[0].name} in ${2 * var.sweep_interval_minutes} minutes"

    condition_threshold {
      filter          = "resource.type = \"cloud_run_job\" AND resource.labels.job_name = \"${google_cloud_run_v2_job.sweep[0].name}\" AND metric.type = \"run.googleapis.com/job/completed_execution_count\" AND metric.labels.result = \"failed\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "0s"

      aggregations {
        alignment_period   = "${2 * var.sweep_interval_minutes * 60}s"
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
      The scheduled sweep (reconcile, freshness, metadata audit) has not completed successfully
      for two of its intervals, so markers whose events were lost are not re-driven and stale
      stages are not reported. Look at the job's latest executions
      (`gcloud run jobs executions list --job JOB --region REGION`) and their logs: exit 143 is a
      stop (nothing half-written; the retry resumes), 1 scenes or markers that could not be
      swept (the report's errors), 2 bad input, an unreachable bucket or a refused listing (the
      sweep's grants); a scheduler that cannot start the job shows in Cloud Scheduler's job
      status. Run it by hand with
      `gcloud run jobs execute JOB --region REGION --wait`.
    EOT
  }

  notification_channels = local.notification_channels
}
