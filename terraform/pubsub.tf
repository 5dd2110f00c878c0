# Topics, alert subscriptions and dead-lettering.

resource "google_pubsub_topic" "stage_events" {
  project                    = var.project_id
  name                       = var.stage_events_topic_name
  labels                     = local.labels
  message_retention_duration = var.message_retention_duration

  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_topic" "checksum_alerts" {
  project                    = var.project_id
  name                       = var.checksum_alerts_topic_name
  labels                     = local.labels
  message_retention_duration = var.message_retention_duration

  depends_on = [google_project_service.enabled]
}

# Alerts that no subscriber acknowledged after max_delivery_attempts end up here.
resource "google_pubsub_topic" "dead_letter" {
  project                    = var.project_id
  name                       = var.dead_letter_topic_name
  labels                     = local.labels
  message_retention_duration = var.message_retention_duration

  depends_on = [google_project_service.enabled]
}

# A topic without a subscription drops what is published to it; this one holds dead letters
# for inspection and replay. It is the end of the line, so it has no dead-letter policy itself.
resource "google_pubsub_subscription" "dead_letter_hold" {
  project                    = var.project_id
  name                       = "${var.dead_letter_topic_name}-hold"
  topic                      = google_pubsub_topic.dead_letter.id
  labels                     = local.labels
  ack_deadline_seconds       = 60
  message_retention_duration = var.message_retention_duration
  retain_acked_messages      = false

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  expiration_policy {
    ttl = "" # never expire, however long nothing is dead-lettered
  }
}

resource "google_pubsub_subscription" "alerts" {
  for_each = var.alert_subscriptions

  project                    = var.project_id
  name                       = each.key
  topic                      = google_pubsub_topic.checksum_alerts.id
  labels                     = local.labels
  ack_deadline_seconds       = each.value.ack_deadline_seconds
  message_retention_duration = var.message_retention_duration

  retry_policy {
    minimum_backoff = each.value.minimum_backoff
    maximum_backoff = each.value.maximum_backoff
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = each.value.max_delivery_attempts
  }

  expiration_policy {
    ttl = "" # alerts are rare; an idle subscription must not expire after 31 days
  }

  # Dead-lettering works only once the Pub/Sub service agent may publish to the dead-letter topic.
  depends_on = [google_pubsub_topic_iam_member.dead_letter_publisher_pubsub_agent]
}
