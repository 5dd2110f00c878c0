# Every variable validation fires on a bad value. Each run breaks several variables at once (each
# listed failure must occur for the run to pass); a variable with more than one validation block
# gets a run per block in which only that block is broken.

mock_provider "google" {}
mock_provider "archive" {}
mock_provider "time" {}

variables {
  project_id        = "sg-test-project"
  data_bucket_name  = "sg-test-scenes"
  function_jar_path = "tests/fixtures/scenegate.jar"
}

run "project_naming_and_buckets" {
  command = plan

  variables {
    project_id                        = "1-not-a-project"
    region                            = "uscentral"
    name_prefix                       = "prefix-longer-than-16"
    labels                            = { Env = "dev" }
    data_bucket_name                  = "goog-scenes"
    bucket_location                   = "US CENTRAL1"
    noncurrent_version_retention_days = 1.5
    kms_key_name                      = "buckets-key"
    state_bucket_name                 = "State_Bucket!"
    state_prefix                      = "/_scenegate/state"
    source_bucket_name                = "x"
  }

  expect_failures = [
    var.project_id, var.region, var.name_prefix, var.labels, var.data_bucket_name, var.bucket_location,
    var.noncurrent_version_retention_days, var.kms_key_name, var.state_bucket_name, var.state_prefix,
    var.source_bucket_name,
  ]
}

run "topics_retention_and_alert_subscription_names" {
  command = plan

  variables {
    stage_events_topic_name    = "goog-stage-events"
    checksum_alerts_topic_name = "ab"
    dead_letter_topic_name     = "9-dead"
    message_retention_duration = "60s"
    alert_subscriptions        = { "oncall" = { ack_deadline_seconds = 5 } }
    alert_subscriber_members   = ["allUsers"]
  }

  expect_failures = [
    var.stage_events_topic_name, var.checksum_alerts_topic_name, var.dead_letter_topic_name,
    var.message_retention_duration, var.alert_subscriptions, var.alert_subscriber_members,
  ]
}

run "alert_subscription_backoff_above_600s" {
  command = plan

  variables {
    alert_subscriptions = { "oncall" = { maximum_backoff = "601s" } }
  }

  expect_failures = [var.alert_subscriptions]
}

run "alert_subscription_minimum_above_maximum_and_functions" {
  command = plan

  variables {
    alert_subscriptions         = { "oncall" = { minimum_backoff = "120s", maximum_backoff = "60s" } }
    build_service_account_email = "builder"
    function_runtime            = "java11"
    propagation_waits           = { apis = "1m" }
    marker_function             = { timeout_seconds = 3600 }
    notifier_function           = { min_instances = 3, max_instances = 2 }
    log_level                   = "TRACE"
    min_quality_score           = 1.5
  }

  expect_failures = [
    var.alert_subscriptions, var.build_service_account_email, var.function_runtime,
    var.propagation_waits, var.marker_function, var.notifier_function, var.log_level,
    var.min_quality_score,
  ]
}

run "marker_concurrency_needs_a_whole_cpu" {
  command = plan

  variables {
    marker_function = { cpu = "0.5", concurrency = 80 }
  }

  expect_failures = [var.marker_function]
}

run "notifier_subscription_and_webhooks" {
  command = plan

  variables {
    notifier_subscription = { minimum_backoff = "600s", maximum_backoff = "10s" }
    webhook_urls          = ["http://hooks.example.com/plain-http"]
    slack_webhook_urls    = ["https://hooks.slack.com/a,b"]
    webhook_secret        = "too-short"
    notification_channels = ["42"]
    alert_emails          = ["oncall-at-example.com"]
  }

  expect_failures = [
    var.notifier_subscription, var.webhook_urls, var.slack_webhook_urls, var.webhook_secret,
    var.notification_channels, var.alert_emails,
  ]
}

run "stage_subscription_name_and_backfill" {
  command = plan

  variables {
    stage_subscriptions   = { "goog-episodes" = { stages = ["usd"] } }
    backfill_image        = "scenegate:latest"
    backfill_task_count   = 0
    backfill_parallelism  = -1
    backfill_max_retries  = 11
    backfill_task_timeout = "1h"
  }

  expect_failures = [
    var.stage_subscriptions, var.backfill_image, var.backfill_task_count,
    var.backfill_parallelism, var.backfill_max_retries, var.backfill_task_timeout,
  ]
}

run "stage_subscription_unknown_stage" {
  command = plan

  variables {
    stage_subscriptions = { "episodes" = { stages = ["mesh"] } }
  }

  expect_failures = [var.stage_subscriptions]
}

run "stage_subscription_unknown_status" {
  command = plan

  variables {
    stage_subscriptions = { "episodes" = { stages = ["usd"], statuses = ["done"] } }
  }

  expect_failures = [var.stage_subscriptions]
}

run "stage_subscription_push_without_identity" {
  command = plan

  variables {
    stage_subscriptions = { "episodes" = { stages = ["usd"], push_endpoint = "https://episodes.example.com/start" } }
  }

  expect_failures = [var.stage_subscriptions]
}

run "stage_subscription_delivery_limits" {
  command = plan

  variables {
    stage_subscriptions = { "episodes" = { stages = ["usd"], minimum_backoff = "700s", maximum_backoff = "700s" } }
  }

  expect_failures = [var.stage_subscriptions]
}

run "stage_subscription_public_subscriber" {
  command = plan

  variables {
    stage_subscriptions = { "episodes" = { stages = ["usd"], subscriber_members = ["allAuthenticatedUsers"] } }
  }

  expect_failures = [var.stage_subscriptions]
}

run "function_jar_must_be_a_jar" {
  command = plan

  variables {
    function_jar_path = "tests/fixtures/scenegate.jar.zip"
  }

  expect_failures = [var.function_jar_path]
}

run "sweep_schedule_and_limits" {
  command = plan

  variables {
    sweep_schedule         = "hourly"
    sweep_time_zone        = "UTC+1 hour"
    sweep_interval_minutes = 720
    sweep_task_timeout     = "30s"
    sweep_max_retries      = 1.5
  }

  expect_failures = [
    var.sweep_schedule, var.sweep_time_zone, var.sweep_interval_minutes, var.sweep_task_timeout,
    var.sweep_max_retries,
  ]
}

run "freshness_deadline_not_a_duration" {
  command = plan

  variables {
    freshness_deadlines = { running = "6h", stages = { usd = "PT0S" } }
  }

  expect_failures = [var.freshness_deadlines]
}

run "freshness_deadline_of_no_stage" {
  command = plan

  variables {
    freshness_deadlines = { stages = { e2e = "PT1H" } }
  }

  expect_failures = [var.freshness_deadlines]
}
