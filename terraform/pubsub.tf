# Topics, subscriptions and dead-lettering: the alert subscriptions, the alert notifier's push
# subscription, and the downstream consumers' filtered subscriptions on stage-events.

resource "google_pubsub_topic" "stage_events" {
  project                    = var.project_id
  name                       = var.stage_events_topic_name
  labels                     = local.labels
  message_retention_duration = var.message_retention_duration

  depends_on = [time_sleep.apis_propagate]
}

resource "google_pubsub_topic" "checksum_alerts" {
  project                    = var.project_id
  name                       = var.checksum_alerts_topic_name
  labels                     = local.labels
  message_retention_duration = var.message_retention_duration

  depends_on = [time_sleep.apis_propagate]
}

# Alerts that no subscriber acknowledged after max_delivery_attempts end up here.
resource "google_pubsub_topic" "dead_letter" {
  project                    = var.project_id
  name                       = var.dead_letter_topic_name
  labels                     = local.labels
  message_retention_duration = var.message_retention_duration

  depends_on = [time_sleep.apis_propagate]
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

# The alert notifier's delivery: a push subscription of this module rather than the one Eventarc
# would manage, because only this one can have a dead-letter topic (an alert still failing after
# max_delivery_attempts lands in the dead-letter hold and raises the dead_letters alert policy,
# instead of vanishing when Eventarc's subscription drops it after 24 h).
# A gen2 function is its Cloud Run service: the push goes to that service's run.app URI with an
# OIDC token of the notifier push identity, which holds run.invoker on that service only. The
# run.app URI (service_config.uri, not the cloudfunctions.net url) matters: the function's
# ingress is internal-only, which admits Pub/Sub of the same project only "if they're using the
# default run.app URL and not a custom domain" (Cloud Run docs, "Restrict network ingress"). The body is
# the plain push envelope {"message": {...}, "subscription": ...} that
# AlertNotifierPushFunction decodes; 2xx acknowledges, 500 makes Pub/Sub retry with backoff.
resource "google_pubsub_subscription" "notifier" {
  project = var.project_id
  name    = "${var.checksum_alerts_topic_name}-notifier"
  topic   = google_pubsub_topic.checksum_alerts.id
  labels  = local.labels
  # The function may take its whole timeout before it answers (push: at most 600 s).
  ack_deadline_seconds       = min(600, max(10, var.notifier_function.timeout_seconds))
  message_retention_duration = var.message_retention_duration

  push_config {
    push_endpoint = google_cloudfunctions2_function.notifier.service_config[0].uri

    oidc_token {
      service_account_email = google_service_account.notifier_trigger.email
      audience              = google_cloudfunctions2_function.notifier.service_config[0].uri
    }
  }

  retry_policy {
    minimum_backoff = var.notifier_subscription.minimum_backoff
    maximum_backoff = var.notifier_subscription.maximum_backoff
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.notifier_subscription.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [
    google_pubsub_topic_iam_member.dead_letter_publisher_pubsub_agent,
    time_sleep.notifier_invoker_propagates,
  ]
}

# ---------------------------------------------------------------------------------------------
# Downstream gating: one filtered subscription per consumer on stage-events
# ---------------------------------------------------------------------------------------------

locals {
  stage_gating = length(var.stage_subscriptions) > 0

  # Pub/Sub filters on the message attributes the marker function sets (scene_id, stage, status,
  # schema_version): only matching events are delivered (and billed); the others are
  # acknowledged for this subscription by Pub/Sub itself. A filter cannot change after creation:
  # a changed filter replaces the subscription.
  # (zipmap over a list `for` rather than an object `for`: see iam.tf on hcl4j.)
  stage_subscription_filters = zipmap(keys(var.stage_subscriptions), [for sub in values(var.stage_subscriptions) : join(" AND ", [
    length(sub.stages) == 1 ? "attributes.stage = \"${sub.stages[0]}\"" : "(${join(" OR ", [for stage in sub.stages : "attributes.stage = \"${stage}\""])})",
    length(sub.statuses) == 1 ? "attributes.status = \"${sub.statuses[0]}\"" : "(${join(" OR ", [for status in sub.statuses : "attributes.status = \"${status}\""])})",
  ])])
}

resource "google_pubsub_topic" "stage_events_dead_letter" {
  count = local.stage_gating ? 1 : 0

  project                    = var.project_id
  name                       = "${var.stage_events_topic_name}-dead-letter"
  labels                     = local.labels
  message_retention_duration = var.message_retention_duration

  depends_on = [time_sleep.apis_propagate]
}

resource "google_pubsub_subscription" "stage_events_dead_letter_hold" {
  count = local.stage_gating ? 1 : 0

  project                    = var.project_id
  name                       = "${var.stage_events_topic_name}-dead-letter-hold"
  topic                      = google_pubsub_topic.stage_events_dead_letter[0].id
  labels                     = local.labels
  ack_deadline_seconds       = 60
  message_retention_duration = var.message_retention_duration

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "stage" {
  for_each = var.stage_subscriptions

  project                    = var.project_id
  name                       = each.key
  topic                      = google_pubsub_topic.stage_events.id
  labels                     = local.labels
  filter                     = local.stage_subscription_filters[each.key]
  ack_deadline_seconds       = each.value.ack_deadline_seconds
  message_retention_duration = each.value.message_retention_duration
  enable_message_ordering    = each.value.enable_message_ordering

  dynamic "push_config" {
    for_each = each.value.push_endpoint == null ? [] : [each.value]
    content {
      push_endpoint = push_config.value.push_endpoint

      oidc_token {
        service_account_email = push_config.value.push_service_account_email
        audience              = coalesce(push_config.value.push_audience, push_config.value.push_endpoint)
      }
    }
  }

  retry_policy {
    minimum_backoff = each.value.minimum_backoff
    maximum_backoff = each.value.maximum_backoff
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.stage_events_dead_letter[0].id
    max_delivery_attempts = each.value.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }

  lifecycle {
    precondition {
      # The Pub/Sub API limits a filter to 256 bytes.
      condition     = length(local.stage_subscription_filters[each.key]) <= 256
      error_message = "The filter of stage subscription ${each.key} is longer than Pub/Sub's 256 bytes: split its stages over two subscriptions."
    }
  }

  depends_on = [google_pubsub_topic_iam_member.stage_dead_letter_publisher_pubsub_agent]
}
