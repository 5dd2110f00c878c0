# Every option on at once, then the options that exclude each other one by one.

mock_provider "google" {
  mock_data "google_project" {
    defaults = { number = "123456789012" }
  }
}
mock_provider "archive" {}
mock_provider "time" {}

variables {
  project_id        = "sg-test-project"
  data_bucket_name  = "sg-test-scenes"
  function_jar_path = "tests/fixtures/scenegate.jar"
}

run "every_option_on" {
  variables {
    region                      = "europe-west4"
    name_prefix                 = "sg-prod"
    labels                      = { env = "prod", team = "pipeline" }
    enable_apis                 = false
    deletion_protection         = true
    bucket_location             = "EU"
    kms_key_name                = "projects/sg-keys/locations/eu/keyRings/sg/cryptoKeys/buckets"
    state_bucket_name           = "sg-prod-state"
    source_bucket_name          = "sg-prod-src"
    build_service_account_email = "builder@sg-test-project.iam.gserviceaccount.com"
    function_runtime            = "java17"
    propagation_waits           = { apis = "90s", iam = "300s" }
    webhook_urls                = ["https://hooks.example.com/scenegate"]
    slack_webhook_urls          = ["https://hooks.slack.com/services/T/B/X"]
    webhook_secret              = "0123456789abcdef0123456789abcdef"
    alert_emails                = ["oncall@example.com"]
    notification_channels       = ["projects/sg-test-project/notificationChannels/42"]
    alert_subscriber_members    = ["group:oncall@example.com"]
    legacy_pubsub_token_creator = true
    backfill_image              = "europe-west4-docker.pkg.dev/sg-test-project/sg-prod-images/scenegate-backfill:1.2.3"
    backfill_task_count         = 8
    backfill_max_retries        = 2
    notifier_subscription       = { max_delivery_attempts = 20, minimum_backoff = "30s", maximum_backoff = "300s" }
    stage_subscriptions = {
      "episode-generation" = { stages = ["usd"] }
    }
    marker_function = { concurrency = 8, max_instances = 50 }
  }

  assert {
    condition     = length(google_project_service.enabled) == 0 && length(time_sleep.apis_propagate) == 0
    error_message = "enable_apis = false enables nothing and does not wait for it"
  }
  assert {
    condition     = time_sleep.grants_propagate.create_duration == "300s"
    error_message = "propagation_waits.iam reaches the wait"
  }
  assert {
    condition     = length(google_service_account.build) == 0 && google_cloudfunctions2_function.marker.build_config[0].service_account == "projects/sg-test-project/serviceAccounts/builder@sg-test-project.iam.gserviceaccount.com"
    error_message = "a given build service account is used and none is created"
  }
  assert {
    condition     = google_project_iam_member.build_writes_logs.member == "serviceAccount:builder@sg-test-project.iam.gserviceaccount.com" && google_artifact_registry_repository_iam_member.build_pushes_images.member == "serviceAccount:builder@sg-test-project.iam.gserviceaccount.com"
    error_message = "the given build account still gets exactly the build grants"
  }
  assert {
    condition     = google_storage_bucket.data[0].encryption[0].default_kms_key_name == "projects/sg-keys/locations/eu/keyRings/sg/cryptoKeys/buckets" && google_storage_bucket.state[0].encryption[0].default_kms_key_name == "projects/sg-keys/locations/eu/keyRings/sg/cryptoKeys/buckets"
    error_message = "CMEK on the data and state buckets"
  }
  assert {
    condition     = length(google_kms_crypto_key_iam_member.gcs_agent_cmek) == 1 && google_kms_crypto_key_iam_member.gcs_agent_cmek[0].crypto_key_id == "projects/sg-keys/locations/eu/keyRings/sg/cryptoKeys/buckets"
    error_message = "the storage agent may use that one key"
  }
  assert {
    condition     = google_storage_bucket.data[0].location == "EU" && google_cloudfunctions2_function.marker.event_trigger[0].trigger_region == "eu"
    error_message = "the trigger follows a multi-region data bucket"
  }
  assert {
    condition     = google_storage_bucket.state[0].name == "sg-prod-state" && google_storage_bucket.source[0].name == "sg-prod-src"
    error_message = "named state and source buckets"
  }
  assert {
    condition     = google_cloud_run_v2_job.backfill[0].template[0].template[0].containers[0].image == "europe-west4-docker.pkg.dev/sg-test-project/sg-prod-images/scenegate-backfill:1.2.3"
    error_message = "the job runs the given image"
  }
  assert {
    condition     = google_cloud_run_v2_job.backfill[0].template[0].template[0].containers[0].args == tolist(["backfill", "gs://sg-test-scenes/scenes/", "--max-rate", "50MB/s"])
    error_message = "the job runs `backfill gs://<data bucket>/scenes/`"
  }
  assert {
    condition     = google_cloud_run_v2_job.backfill[0].template[0].task_count == 8 && google_cloud_run_v2_job.backfill[0].template[0].template[0].max_retries == 2
    error_message = "task count and retries"
  }
  assert {
    condition     = strcontains(google_monitoring_alert_policy.backfill_failed_attempts[0].conditions[0].condition_threshold[0].filter, "run.googleapis.com/job/completed_task_attempt_count") && strcontains(google_monitoring_alert_policy.backfill_failed_attempts[0].conditions[0].condition_threshold[0].filter, "metric.labels.result = \"failed\"")
    error_message = "every failed backfill attempt alerts, whatever a retry does after it (defect 5)"
  }
  assert {
    condition     = strcontains(google_monitoring_alert_policy.critical_logs.conditions[0].condition_matched_log[0].filter, "resource.type = \"cloud_run_job\" AND resource.labels.job_name = \"sg-prod-backfill\"")
    error_message = "CRITICAL logs of the backfill job alert too"
  }
  assert {
    condition     = length(google_monitoring_notification_channel.email) == 1 && length(google_monitoring_alert_policy.checksum_alerts.notification_channels) == 2
    error_message = "given channels plus one e-mail channel"
  }
  assert {
    condition     = length(google_secret_manager_secret_version.webhook) == 1 && length(google_secret_manager_secret.slack_webhook_urls) == 1
    error_message = "secret versions from variables"
  }
  assert {
    condition     = length(google_service_account_iam_member.pubsub_agent_tokens_marker_trigger) == 1 && length(google_service_account_iam_member.pubsub_agent_tokens_notifier_trigger) == 1
    error_message = "legacy Pub/Sub agent token grants"
  }
  assert {
    condition     = google_pubsub_subscription.notifier.dead_letter_policy[0].max_delivery_attempts == 20 && google_pubsub_subscription.notifier.retry_policy[0].minimum_backoff == "30s"
    error_message = "notifier_subscription reaches the push subscription"
  }
  assert {
    condition     = google_cloudfunctions2_function.marker.service_config[0].max_instance_request_concurrency == 8 && google_cloudfunctions2_function.marker.build_config[0].runtime == "java17"
    error_message = "sizing and runtime"
  }
  assert {
    condition     = google_cloudfunctions2_function.marker.labels["env"] == "prod" && google_cloudfunctions2_function.marker.labels["app"] == "scenegate"
    error_message = "labels merged with the module's own"
  }
}

run "workloads_run_as_distinct_accounts" {
  variables {
    backfill_image = "us-central1-docker.pkg.dev/sg-test-project/scenegate-images/scenegate-backfill:1.0.0"
  }

  assert {
    condition = length(distinct([
      google_cloudfunctions2_function.marker.service_config[0].service_account_email,
      google_cloudfunctions2_function.notifier.service_config[0].service_account_email,
      google_cloud_run_v2_job.backfill[0].template[0].template[0].service_account,
      google_cloud_run_v2_job.sweep[0].template[0].template[0].service_account,
      google_cloudfunctions2_function.marker.event_trigger[0].service_account_email,
      google_pubsub_subscription.notifier.push_config[0].oidc_token[0].service_account_email,
      google_cloud_scheduler_job.sweep[0].http_target[0].oauth_token[0].service_account_email,
      google_service_account.build[0].email,
    ])) == 8
    error_message = "each function, job, trigger, push, schedule and build has its own service account"
  }
}

run "state_in_the_data_bucket" {
  variables {
    state_in_data_bucket = true
  }

  assert {
    condition     = length(google_storage_bucket.state) == 0 && length(google_storage_bucket_iam_member.marker_state_objects) == 0 && length(google_storage_bucket_iam_member.backfill_ledger_objects) == 0
    error_message = "no state bucket and no second grant when the state shares the data bucket"
  }
  assert {
    condition     = google_cloudfunctions2_function.marker.service_config[0].environment_variables["STATE_BUCKET"] == "sg-test-scenes" && output.state_bucket == "sg-test-scenes"
    error_message = "the state goes to the data bucket"
  }
}
