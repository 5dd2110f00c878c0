# The two Cloud Functions (gen2, runtime var.function_runtime), both built from the same shaded
# jar by the module's build service account into the module's image repository (build.tf).

locals {
  # Where each function finds the state documents and the topics (names, not IDs: the
  # adapters add the project from GOOGLE_CLOUD_PROJECT).
  common_env = {
    GOOGLE_CLOUD_PROJECT  = var.project_id
    STATE_BUCKET          = local.state_bucket_name
    STATE_PREFIX          = var.state_prefix
    STAGE_EVENTS_TOPIC    = google_pubsub_topic.stage_events.name
    CHECKSUM_ALERTS_TOPIC = google_pubsub_topic.checksum_alerts.name
    SCENEGATE_LOG_LEVEL   = var.log_level
  }

  marker_env = merge(var.marker_extra_env, local.common_env, {
    DATA_BUCKET       = local.data_bucket_name
    MIN_QUALITY_SCORE = tostring(var.min_quality_score)
  })

  notifier_env = merge(var.notifier_extra_env, local.common_env, {
    WEBHOOK_URLS = join(",", var.webhook_urls)
  })
}

resource "google_cloudfunctions2_function" "marker" {
  project     = var.project_id
  location    = var.region
  name        = "${var.name_prefix}-marker"
  description = "Verifies what each stage marker vouches for and advances the scene's end-to-end state."
  labels      = local.labels

  build_config {
    runtime           = var.function_runtime
    entry_point       = "dev.scenegate.functions.MarkerFunction"
    service_account   = local.build_service_account_id
    docker_repository = google_artifact_registry_repository.images.id

    source {
      storage_source {
        bucket = local.source_bucket_name
        object = google_storage_bucket_object.function_source.name
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.marker.email
    available_memory                 = var.marker_function.memory
    available_cpu                    = var.marker_function.cpu
    timeout_seconds                  = var.marker_function.timeout_seconds
    min_instance_count               = var.marker_function.min_instances
    max_instance_count               = var.marker_function.max_instances
    max_instance_request_concurrency = var.marker_function.concurrency
    # Only Eventarc calls it.
    ingress_settings               = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    environment_variables          = local.marker_env
  }

  event_trigger {
    trigger_region        = lower(local.data_bucket_location)
    event_type            = "google.cloud.storage.object.v1.finalized"
    service_account_email = google_service_account.marker_trigger.email
    # The function throws on transient faults only; the platform must then redeliver.
    retry_policy = "RETRY_POLICY_RETRY"

    event_filters {
      attribute = "bucket"
      value     = local.data_bucket_name
    }
  }

  # The trigger is created with the function, so every grant it and the build rely on must have
  # propagated first (time_sleep.grants_propagate waits for them; iam.tf). The run.invoker grant
  # on the function's own Cloud Run service can only follow the function; events refused (403)
  # until it lands are redelivered, RETRY_POLICY_RETRY, not lost.
  depends_on = [time_sleep.grants_propagate]
}

resource "google_cloudfunctions2_function" "notifier" {
  project     = var.project_id
  location    = var.region
  name        = "${var.name_prefix}-alert-notifier"
  description = "Posts every checksum alert to the configured webhooks, signed with HMAC-SHA256. Called by the push subscription on checksum-alerts (pubsub.tf)."
  labels      = local.labels

  build_config {
    runtime           = var.function_runtime
    entry_point       = "dev.scenegate.functions.AlertNotifierPushFunction"
    service_account   = local.build_service_account_id
    docker_repository = google_artifact_registry_repository.images.id

    source {
      storage_source {
        bucket = local.source_bucket_name
        object = google_storage_bucket_object.function_source.name
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.notifier.email
    available_memory                 = var.notifier_function.memory
    available_cpu                    = var.notifier_function.cpu
    timeout_seconds                  = var.notifier_function.timeout_seconds
    min_instance_count               = var.notifier_function.min_instances
    max_instance_count               = var.notifier_function.max_instances
    max_instance_request_concurrency = var.notifier_function.concurrency
    ingress_settings                 = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision   = true
    environment_variables            = local.notifier_env

    secret_environment_variables {
      key        = "SCENEGATE_WEBHOOK_SECRET"
      project_id = var.project_id
      secret     = google_secret_manager_secret.webhook.secret_id
      version    = "latest"
    }

    dynamic "secret_environment_variables" {
      for_each = local.slack_configured ? [google_secret_manager_secret.slack_webhook_urls[0].secret_id] : []
      content {
        key        = "SLACK_WEBHOOK_URLS"
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }
  }

  # No event_trigger: Eventarc's own Pub/Sub subscription cannot have a dead-letter topic, so the
  # module's push subscription (google_pubsub_subscription.notifier) calls this HTTP function
  # with an OIDC token instead, and AlertNotifierPushFunction decodes the push envelope.

  depends_on = [
    google_secret_manager_secret_iam_member.notifier_reads_webhook_secret,
    google_secret_manager_secret_iam_member.notifier_reads_slack_urls,
    google_secret_manager_secret_version.webhook,
    google_secret_manager_secret_version.slack_webhook_urls,
    google_storage_bucket_iam_member.notifier_state_objects,
    time_sleep.grants_propagate,
  ]
}
