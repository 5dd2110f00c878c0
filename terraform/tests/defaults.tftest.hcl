# The module with its defaults: what a fresh project gets from `terraform apply`. Mock providers
# (no Google Cloud): computed attributes get mock values, so these runs `apply` to compare them.

mock_provider "google" {
  mock_data "google_project" {
    defaults = { number = "123456789012" }
  }
  mock_data "google_storage_project_service_account" {
    defaults = { email_address = "service-123456789012@gs-project-accounts.iam.gserviceaccount.com" }
  }
}
mock_provider "archive" {}
mock_provider "time" {}

variables {
  project_id        = "sg-test-project"
  data_bucket_name  = "sg-test-scenes"
  function_jar_path = "tests/fixtures/scenegate.jar"
}

run "default_apply" {
  # functions build as the build account into the module repository
  assert {
    condition     = google_cloudfunctions2_function.marker.build_config[0].service_account == "projects/sg-test-project/serviceAccounts/${google_service_account.build[0].email}"
    error_message = "the marker must build as the module's build service account (defect 1), not the Compute default"
  }
  assert {
    condition     = google_cloudfunctions2_function.notifier.build_config[0].service_account == google_cloudfunctions2_function.marker.build_config[0].service_account
    error_message = "the notifier builds as the same build account"
  }
  assert {
    condition     = google_service_account.build[0].account_id == "scenegate-build"
    error_message = "build service account id"
  }
  assert {
    condition     = google_cloudfunctions2_function.marker.build_config[0].docker_repository == google_artifact_registry_repository.images.id && google_cloudfunctions2_function.notifier.build_config[0].docker_repository == google_artifact_registry_repository.images.id
    error_message = "function images go to the module's own Artifact Registry repository"
  }
  assert {
    condition     = google_artifact_registry_repository.images.location == "us-central1" && google_artifact_registry_repository.images.format == "DOCKER"
    error_message = "the image repository lives in the functions' region"
  }
  assert {
    condition     = output.image_repository == "us-central1-docker.pkg.dev/sg-test-project/scenegate-images"
    error_message = "image_repository output: ${output.image_repository}"
  }

  # first apply waits for apis and grants
  assert {
    condition     = length(time_sleep.apis_propagate) == 1 && time_sleep.apis_propagate[0].create_duration == "60s"
    error_message = "the first apply waits 60 s after enabling the APIs (defect 3)"
  }
  assert {
    condition     = time_sleep.grants_propagate.create_duration == "120s" && time_sleep.notifier_invoker_propagates.create_duration == "120s"
    error_message = "the first apply waits 120 s for the grants before the functions and the push subscription (defect 3, 8)"
  }
  assert {
    condition     = contains(keys(google_project_service.enabled), "eventarc.googleapis.com") && contains(keys(google_project_service.enabled), "artifactregistry.googleapis.com") && contains(keys(google_project_service.enabled), "cloudbuild.googleapis.com")
    error_message = "the APIs of Eventarc, Artifact Registry and Cloud Build are enabled"
  }

  # state bucket is separate by default
  assert {
    condition     = length(google_storage_bucket.state) == 1 && google_storage_bucket.state[0].name == "sg-test-project-scenegate-state"
    error_message = "a state bucket of its own by default (defect 7)"
  }
  assert {
    condition     = google_cloudfunctions2_function.marker.service_config[0].environment_variables["STATE_BUCKET"] == "sg-test-project-scenegate-state" && google_cloudfunctions2_function.marker.service_config[0].environment_variables["DATA_BUCKET"] == "sg-test-scenes"
    error_message = "the marker writes state outside the bucket whose events it receives"
  }
  assert {
    condition     = google_storage_bucket.state[0].uniform_bucket_level_access && google_storage_bucket.state[0].public_access_prevention == "enforced" && google_storage_bucket.state[0].versioning[0].enabled
    error_message = "the state bucket is private and versioned"
  }
  assert {
    condition     = output.state_location == "gs://sg-test-project-scenegate-state/_scenegate/state/"
    error_message = "state_location: ${output.state_location}"
  }

  # source bucket and object named after the jar
  assert {
    condition     = length(google_storage_bucket.source) == 1 && google_storage_bucket.source[0].name == "sg-test-project-scenegate-src"
    error_message = "the source bucket is created by default"
  }
  assert {
    condition     = google_storage_bucket_object.function_source.name == "functions/scenegate-${filesha256("tests/fixtures/scenegate.jar")}.zip"
    error_message = "the source object is named after the jar's SHA-256, so it changes exactly when the jar does"
  }
  assert {
    condition     = google_storage_bucket_object.function_source.bucket == "sg-test-project-scenegate-src" && google_cloudfunctions2_function.marker.build_config[0].source[0].storage_source[0].object == google_storage_bucket_object.function_source.name
    error_message = "the functions build from the uploaded object"
  }

  # marker trigger follows the design
  assert {
    condition     = google_cloudfunctions2_function.marker.build_config[0].entry_point == "dev.scenegate.functions.MarkerFunction"
    error_message = "marker entry point"
  }
  assert {
    condition     = google_cloudfunctions2_function.marker.event_trigger[0].event_type == "google.cloud.storage.object.v1.finalized" && google_cloudfunctions2_function.marker.event_trigger[0].retry_policy == "RETRY_POLICY_RETRY"
    error_message = "the marker runs on object finalize and is retried"
  }
  assert {
    condition     = one([for f in google_cloudfunctions2_function.marker.event_trigger[0].event_filters : f.value if f.attribute == "bucket"]) == "sg-test-scenes"
    error_message = "the trigger filters on the data bucket"
  }
  assert {
    condition     = google_cloudfunctions2_function.marker.event_trigger[0].trigger_region == "us-central1"
    error_message = "the trigger lives where the data bucket lives"
  }
  assert {
    condition     = google_cloudfunctions2_function.marker.event_trigger[0].service_account_email == google_service_account.marker_trigger.email && google_cloudfunctions2_function.marker.service_config[0].service_account_email == google_service_account.marker.email
    error_message = "the marker and its trigger run as their own accounts"
  }
  assert {
    condition     = google_cloudfunctions2_function.marker.service_config[0].ingress_settings == "ALLOW_INTERNAL_ONLY"
    error_message = "only Google-internal callers"
  }

  # notifier is fed by a dead lettered push subscription
  assert {
    condition     = length(google_cloudfunctions2_function.notifier.event_trigger) == 0
    error_message = "no Eventarc trigger (its subscription cannot dead-letter; defect 4)"
  }
  assert {
    condition     = google_cloudfunctions2_function.notifier.build_config[0].entry_point == "dev.scenegate.functions.AlertNotifierPushFunction"
    error_message = "the notifier's HTTP entry point decodes the push envelope"
  }
  assert {
    condition     = google_pubsub_subscription.notifier.topic == google_pubsub_topic.checksum_alerts.id && google_pubsub_subscription.notifier.push_config[0].push_endpoint == google_cloudfunctions2_function.notifier.service_config[0].uri
    error_message = "checksum-alerts are pushed to the notifier service's run.app URI (internal ingress admits Pub/Sub there)"
  }
  assert {
    condition     = google_pubsub_subscription.notifier.push_config[0].oidc_token[0].service_account_email == google_service_account.notifier_trigger.email && google_pubsub_subscription.notifier.push_config[0].oidc_token[0].audience == google_cloudfunctions2_function.notifier.service_config[0].uri
    error_message = "the push carries an OIDC token of the notifier push identity for the function's URL"
  }
  assert {
    condition     = google_pubsub_subscription.notifier.dead_letter_policy[0].dead_letter_topic == google_pubsub_topic.dead_letter.id && google_pubsub_subscription.notifier.dead_letter_policy[0].max_delivery_attempts == 10
    error_message = "alerts that keep failing are dead-lettered"
  }
  assert {
    condition     = google_pubsub_subscription.notifier.retry_policy[0].minimum_backoff == "10s" && google_pubsub_subscription.notifier.retry_policy[0].maximum_backoff == "600s" && google_pubsub_subscription.notifier.ack_deadline_seconds == 300
    error_message = "backoff 10..600 s; the ack deadline is the notifier's timeout"
  }
  assert {
    condition     = google_pubsub_subscription.notifier.expiration_policy[0].ttl == ""
    error_message = "the subscription never expires"
  }
  assert {
    condition     = one([for e in google_cloudfunctions2_function.notifier.service_config[0].secret_environment_variables : e.secret if e.key == "SCENEGATE_WEBHOOK_SECRET"]) == google_secret_manager_secret.webhook.secret_id
    error_message = "the webhook secret comes from Secret Manager"
  }

  # critical log alert needs no metric to exist
  assert {
    condition     = length(google_monitoring_alert_policy.critical_logs.conditions[0].condition_threshold) == 0 && length(google_monitoring_alert_policy.critical_logs.conditions[0].condition_matched_log) == 1
    error_message = "a log-match condition, not a threshold on a log-based metric created in the same apply (defect 2)"
  }
  assert {
    condition     = strcontains(google_monitoring_alert_policy.critical_logs.conditions[0].condition_matched_log[0].filter, "\"scenegate-marker\"") && strcontains(google_monitoring_alert_policy.critical_logs.conditions[0].condition_matched_log[0].filter, "severity >= CRITICAL")
    error_message = "the filter names the functions and CRITICAL severity"
  }
  assert {
    condition     = google_monitoring_alert_policy.critical_logs.alert_strategy[0].notification_rate_limit[0].period == "300s"
    error_message = "log-match policies need a notification rate limit"
  }
}

run "runtime_is_a_variable" {
  command = plan

  variables {
    function_runtime = "java17"
  }

  assert {
    condition     = google_cloudfunctions2_function.marker.build_config[0].runtime == "java17" && google_cloudfunctions2_function.notifier.build_config[0].runtime == "java17"
    error_message = "function_runtime reaches both functions"
  }
}

run "defaults_follow_the_design" {
  command = plan


  assert {
    condition     = google_cloudfunctions2_function.marker.build_config[0].runtime == "java21" && google_cloudfunctions2_function.notifier.build_config[0].runtime == "java21"
    error_message = "runtime default must be java21 (defect 9)"
  }

  assert {
    condition     = google_pubsub_topic.stage_events.name == "stage-events" && google_pubsub_topic.checksum_alerts.name == "checksum-alerts" && google_pubsub_topic.dead_letter.name == "checksum-alerts-dead-letter"
    error_message = "topic names"
  }
  assert {
    condition     = google_cloudfunctions2_function.marker.service_config[0].environment_variables["STATE_PREFIX"] == "_scenegate/state/" && google_cloudfunctions2_function.marker.service_config[0].environment_variables["STAGE_EVENTS_TOPIC"] == "stage-events"
    error_message = "state prefix and topic reach the marker"
  }
  assert {
    condition     = google_cloudfunctions2_function.marker.service_config[0].max_instance_request_concurrency == 80 && google_cloudfunctions2_function.marker.service_config[0].timeout_seconds == 540
    error_message = "marker sizing defaults: concurrency 80 (bench/dismissal-throughput), timeout 540"
  }
  assert {
    condition     = length(google_cloud_run_v2_job.backfill) == 0 && length(google_monitoring_alert_policy.backfill_failed_attempts) == 0
    error_message = "no backfill job without an image"
  }
  assert {
    condition     = length(google_pubsub_subscription.stage) == 0 && length(google_pubsub_topic.stage_events_dead_letter) == 0
    error_message = "no downstream subscriptions unless asked for"
  }
  assert {
    condition     = google_pubsub_subscription.alerts["checksum-alerts-oncall"].dead_letter_policy[0].max_delivery_attempts == 10
    error_message = "the default on-call alert subscription dead-letters"
  }
}
