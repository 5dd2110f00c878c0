# The scheduled sweep (sweep.tf): a Cloud Run Job of the backfill image running `sweep --bucket
# <data bucket>` with the marker's environment and the freshness deadlines, started by Cloud
# Scheduler as an identity that may run that job and nothing else, running as an identity that
# may read the scenes, write .failed markers, the state documents, its own records and the
# digest ledger, and
# publish on the two topics; an alert when it has not succeeded for two intervals. And the
# ledger (`_scenegate/digests/` in the state bucket) for its three writers.

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
  backfill_image    = "us-central1-docker.pkg.dev/sg-test-project/scenegate-images/scenegate-backfill:1.0.0"
}

run "sweep_job_runs_the_backfill_image_as_its_own_account" {
  assert {
    condition     = length(google_cloud_run_v2_job.sweep) == 1 && google_cloud_run_v2_job.sweep[0].name == "scenegate-sweep" && google_cloud_run_v2_job.sweep[0].location == "us-central1"
    error_message = "the sweep job exists, named after the prefix, in the region"
  }
  assert {
    condition     = google_cloud_run_v2_job.sweep[0].template[0].template[0].containers[0].image == google_cloud_run_v2_job.backfill[0].template[0].template[0].containers[0].image
    error_message = "the sweep runs the backfill job's image"
  }
  assert {
    condition     = google_cloud_run_v2_job.sweep[0].template[0].template[0].containers[0].args == tolist(["sweep", "--bucket", "sg-test-scenes"])
    error_message = "args: sweep --bucket <data bucket>"
  }
  assert {
    condition     = google_cloud_run_v2_job.sweep[0].template[0].template[0].service_account == google_service_account.sweep[0].email && google_service_account.sweep[0].account_id == "scenegate-sweep"
    error_message = "the sweep runs as its own service account"
  }
  assert {
    condition     = length(toset([google_service_account.sweep[0].email, google_service_account.sweep_scheduler[0].email, google_service_account.marker.email, google_service_account.backfill.email])) == 4
    error_message = "the sweep and its scheduler are identities of their own"
  }
  assert {
    condition     = google_cloud_run_v2_job.sweep[0].template[0].task_count == 1 && google_cloud_run_v2_job.sweep[0].template[0].template[0].timeout == "1800s" && google_cloud_run_v2_job.sweep[0].template[0].template[0].max_retries == 2
    error_message = "one task, 30 minutes per attempt, two retries (a retry resumes from the checkpoint)"
  }
  assert {
    condition     = google_cloud_run_v2_job.sweep[0].template[0].template[0].containers[0].resources[0].limits == tomap({ cpu = "1", memory = "1Gi" })
    error_message = "sized like the marker function"
  }
}

run "sweep_has_the_marker_environment_and_the_deadlines" {
  command = plan

  variables {
    marker_extra_env = { MIN_EPISODE_PASS_RATE = "0.95" }
    freshness_deadlines = {
      running = "PT4H"
      stages  = { geniesim_export = "PT12H", episodes = "P2D" }
    }
  }

  assert {
    condition = alltrue([for name, value in google_cloudfunctions2_function.marker.service_config[0].environment_variables :
      one([for e in google_cloud_run_v2_job.sweep[0].template[0].template[0].containers[0].env : e.value if e.name == name]) == value
    ])
    error_message = "every variable of the marker function reaches the sweep with the same value"
  }
  assert {
    condition = alltrue([for name in ["DATA_BUCKET", "STATE_BUCKET", "STATE_PREFIX", "GOOGLE_CLOUD_PROJECT", "STAGE_EVENTS_TOPIC", "CHECKSUM_ALERTS_TOPIC", "MIN_EPISODE_PASS_RATE"] :
      contains([for e in google_cloud_run_v2_job.sweep[0].template[0].template[0].containers[0].env : e.name], name)
    ])
    error_message = "buckets, state prefix, project, both topics and the marker's extra variables"
  }
  assert {
    condition = {
      for e in google_cloud_run_v2_job.sweep[0].template[0].template[0].containers[0].env : e.name => e.value if startswith(e.name, "SLA_")
      } == {
      SLA_RUNNING         = "PT4H"
      SLA_WAITING         = "PT24H"
      SLA_GENIESIM_EXPORT = "PT12H"
      SLA_EPISODES        = "P2D"
    }
    error_message = "SLA_RUNNING, SLA_WAITING (default PT24H) and one SLA_<STAGE> per override, nothing else"
  }
  assert {
    condition     = length([for name in keys(google_cloudfunctions2_function.marker.service_config[0].environment_variables) : name if startswith(name, "SLA_")]) == 0
    error_message = "the deadlines are the sweep's only"
  }
}

run "scheduler_starts_this_job_hourly_as_its_own_account" {
  assert {
    condition     = google_cloud_scheduler_job.sweep[0].schedule == "0 * * * *" && google_cloud_scheduler_job.sweep[0].time_zone == "Etc/UTC" && google_cloud_scheduler_job.sweep[0].region == "us-central1"
    error_message = "hourly by default, UTC, in the job's region"
  }
  assert {
    condition     = google_cloud_scheduler_job.sweep[0].http_target[0].http_method == "POST" && google_cloud_scheduler_job.sweep[0].http_target[0].uri == "https://run.googleapis.com/v2/projects/sg-test-project/locations/us-central1/jobs/scenegate-sweep:run"
    error_message = "the scheduler calls jobs.run on the sweep job"
  }
  assert {
    condition     = google_cloud_scheduler_job.sweep[0].http_target[0].oauth_token[0].service_account_email == google_service_account.sweep_scheduler[0].email && length(google_cloud_scheduler_job.sweep[0].http_target[0].oidc_token) == 0
    error_message = "an OAuth token (a googleapis.com call) of the scheduler's own account"
  }
  assert {
    condition     = google_service_account.sweep_scheduler[0].account_id == "scenegate-sweep-sched"
    error_message = "scheduler account id"
  }
  assert {
    condition     = google_cloud_run_v2_job_iam_member.scheduler_runs_sweep[0].name == google_cloud_run_v2_job.sweep[0].name && google_cloud_run_v2_job_iam_member.scheduler_runs_sweep[0].location == "us-central1" && google_cloud_run_v2_job_iam_member.scheduler_runs_sweep[0].role == "roles/run.invoker" && google_cloud_run_v2_job_iam_member.scheduler_runs_sweep[0].member == google_service_account.sweep_scheduler[0].member
    error_message = "the scheduler's account may run the sweep job, and only it"
  }
  assert {
    condition     = contains(keys(google_project_service.enabled), "cloudscheduler.googleapis.com")
    error_message = "the Cloud Scheduler API is enabled with the sweep"
  }
  assert {
    condition     = output.sweep_job_name == "scenegate-sweep" && output.service_accounts.sweep == google_service_account.sweep[0].email && output.service_accounts.sweep_scheduler == google_service_account.sweep_scheduler[0].email && output.sweep_scheduler_job.schedule == "0 * * * *"
    error_message = "outputs: the job name, both accounts, the schedule"
  }
}

run "sweep_account_bindings" {
  command = plan

  assert {
    condition     = google_storage_bucket_iam_member.sweep_data_objects[0].bucket == "sg-test-scenes" && google_storage_bucket_iam_member.sweep_data_objects[0].role == "roles/storage.objectViewer" && google_storage_bucket_iam_member.sweep_data_objects[0].member == google_service_account.sweep[0].member && length(google_storage_bucket_iam_member.sweep_data_objects[0].condition) == 0
    error_message = "sweep: reads (lists and gets) the data bucket, no write"
  }
  assert {
    condition     = google_storage_bucket_iam_member.sweep_failed_markers[0].bucket == "sg-test-scenes" && google_storage_bucket_iam_member.sweep_failed_markers[0].role == "roles/storage.objectUser" && google_storage_bucket_iam_member.sweep_failed_markers[0].member == google_service_account.sweep[0].member
    error_message = "sweep: object user in the data bucket..."
  }
  assert {
    condition     = google_storage_bucket_iam_member.sweep_failed_markers[0].condition[0].expression == "resource.name.startsWith(\"projects/_/buckets/sg-test-scenes/objects/scenes/\") && resource.name.endsWith(\"/.failed\")"
    error_message = "...of the .failed markers only"
  }
  assert {
    condition     = google_storage_bucket_iam_member.sweep_state_objects[0].bucket == "sg-test-project-scenegate-state" && google_storage_bucket_iam_member.sweep_state_objects[0].role == "roles/storage.objectUser" && google_storage_bucket_iam_member.sweep_state_objects[0].member == google_service_account.sweep[0].member
    error_message = "sweep: object user in the state bucket..."
  }
  assert {
    condition     = google_storage_bucket_iam_member.sweep_state_objects[0].condition[0].expression == "resource.name.startsWith(\"projects/_/buckets/sg-test-project-scenegate-state/objects/_scenegate/state/\") || api.getAttribute(\"storage.googleapis.com/objectListPrefix\", \"\").startsWith(\"_scenegate/state/\")"
    error_message = "...of the state documents, and listing them"
  }
  assert {
    condition     = google_storage_bucket_iam_member.sweep_own_records[0].bucket == "sg-test-project-scenegate-state" && google_storage_bucket_iam_member.sweep_own_records[0].role == "roles/storage.objectUser" && google_storage_bucket_iam_member.sweep_own_records[0].member == google_service_account.sweep[0].member && google_storage_bucket_iam_member.sweep_own_records[0].condition[0].expression == "resource.name.startsWith(\"projects/_/buckets/sg-test-project-scenegate-state/objects/_scenegate/sweep/\") || api.getAttribute(\"storage.googleapis.com/objectListPrefix\", \"\").startsWith(\"_scenegate/sweep/\")"
    error_message = "sweep: its own records (freshness claims) under _scenegate/sweep/ of the state bucket"
  }
  assert {
    condition     = google_pubsub_topic_iam_member.sweep_publishes_stage_events[0].topic == "stage-events" && google_pubsub_topic_iam_member.sweep_publishes_checksum_alerts[0].topic == "checksum-alerts" && google_pubsub_topic_iam_member.sweep_publishes_stage_events[0].role == "roles/pubsub.publisher" && google_pubsub_topic_iam_member.sweep_publishes_checksum_alerts[0].role == "roles/pubsub.publisher" && google_pubsub_topic_iam_member.sweep_publishes_stage_events[0].member == google_service_account.sweep[0].member && google_pubsub_topic_iam_member.sweep_publishes_checksum_alerts[0].member == google_service_account.sweep[0].member
    error_message = "sweep: publisher on its two topics"
  }
  assert {
    condition     = strcontains(google_monitoring_alert_policy.critical_logs.conditions[0].condition_matched_log[0].filter, "resource.labels.job_name = \"scenegate-sweep\" AND severity >= CRITICAL")
    error_message = "the CRITICAL log policy watches the sweep job too"
  }
}

run "ledger_for_its_three_writers_and_nothing_more_of_the_state_bucket" {
  command = plan

  assert {
    condition = alltrue([for g in [google_storage_bucket_iam_member.marker_ledger_objects[0], google_storage_bucket_iam_member.backfill_ledger_objects[0], google_storage_bucket_iam_member.sweep_ledger_objects[0]] :
      g.bucket == "sg-test-project-scenegate-state" && g.role == "roles/storage.objectUser"
      && g.condition[0].expression == "resource.name.startsWith(\"projects/_/buckets/sg-test-project-scenegate-state/objects/_scenegate/digests/\") || api.getAttribute(\"storage.googleapis.com/objectListPrefix\", \"\").startsWith(\"_scenegate/digests/\")"
    ])
    error_message = "ledger: object user under _scenegate/digests/ of the state bucket (and listing it)"
  }
  assert {
    condition     = google_storage_bucket_iam_member.marker_ledger_objects[0].member == google_service_account.marker.member && google_storage_bucket_iam_member.backfill_ledger_objects[0].member == google_service_account.backfill.member && google_storage_bucket_iam_member.sweep_ledger_objects[0].member == google_service_account.sweep[0].member
    error_message = "ledger: the marker, the backfill and the sweep"
  }
  assert {
    condition     = google_storage_bucket_iam_member.marker_state_objects[0].condition[0].expression == "resource.name.startsWith(\"projects/_/buckets/sg-test-project-scenegate-state/objects/_scenegate/state/\")"
    error_message = "marker: beyond the ledger, the state documents only (read by name, never listed)"
  }
  assert {
    condition     = google_cloud_run_v2_job.backfill[0].template[0].template[0].service_account == google_service_account.backfill.email
    error_message = "the backfill job runs as the account that holds the ledger grant"
  }
}

run "alert_when_the_sweep_has_not_succeeded_for_two_intervals" {
  command = plan

  variables {
    notification_channels = ["projects/sg-test-project/notificationChannels/42"]
  }

  assert {
    condition     = google_monitoring_alert_policy.sweep_not_succeeding[0].conditions[0].condition_absent[0].duration == "7200s"
    error_message = "absent for two hourly intervals"
  }
  assert {
    condition     = google_monitoring_alert_policy.sweep_not_succeeding[0].conditions[0].condition_absent[0].filter == "resource.type = \"cloud_run_job\" AND resource.labels.job_name = \"scenegate-sweep\" AND metric.type = \"run.googleapis.com/job/completed_execution_count\" AND metric.labels.result = \"succeeded\""
    error_message = "on the sweep job's succeeded executions"
  }
  assert {
    condition     = strcontains(google_monitoring_alert_policy.sweep_not_succeeding[0].conditions[1].condition_threshold[0].filter, "metric.labels.result = \"failed\"") && google_monitoring_alert_policy.sweep_not_succeeding[0].conditions[1].condition_threshold[0].threshold_value == 1 && google_monitoring_alert_policy.sweep_not_succeeding[0].conditions[1].condition_threshold[0].aggregations[0].alignment_period == "7200s"
    error_message = "and two failed executions within two intervals (a sweep that never succeeded arms no absence)"
  }
  assert {
    condition     = google_monitoring_alert_policy.sweep_not_succeeding[0].notification_channels == tolist(["projects/sg-test-project/notificationChannels/42"]) && google_monitoring_alert_policy.sweep_not_succeeding[0].notification_channels == google_monitoring_alert_policy.checksum_alerts.notification_channels
    error_message = "notifies the module's channels, as the other policies"
  }
}

run "interval_follows_the_schedule" {
  command = plan

  variables {
    sweep_schedule         = "*/15 * * * *"
    sweep_interval_minutes = 15
    sweep_task_timeout     = "900s"
  }

  assert {
    condition     = google_cloud_scheduler_job.sweep[0].schedule == "*/15 * * * *" && google_monitoring_alert_policy.sweep_not_succeeding[0].conditions[0].condition_absent[0].duration == "1800s"
    error_message = "every 15 minutes: alert after 30 without a success"
  }
}

run "schedule_every_six_hours" {
  command = plan

  variables {
    sweep_schedule         = "30 */6 * * *"
    sweep_interval_minutes = 360
  }

  assert {
    condition     = google_monitoring_alert_policy.sweep_not_succeeding[0].conditions[0].condition_absent[0].duration == "43200s"
    error_message = "every six hours: alert after twelve without a success"
  }
}

run "schedule_and_interval_disagree" {
  command = plan

  variables {
    sweep_schedule         = "0 */2 * * *"
    sweep_interval_minutes = 60
  }

  expect_failures = [google_cloud_run_v2_job.sweep]
}

run "task_longer_than_the_interval" {
  command = plan

  variables {
    sweep_schedule         = "*/10 * * * *"
    sweep_interval_minutes = 10
    sweep_task_timeout     = "1800s"
  }

  expect_failures = [google_cloud_run_v2_job.sweep]
}

run "sweep_disabled_removes_it_all" {
  command = plan

  variables {
    sweep_enabled = false
  }

  assert {
    condition = (length(google_cloud_run_v2_job.sweep) + length(google_cloud_scheduler_job.sweep) + length(google_service_account.sweep)
      + length(google_service_account.sweep_scheduler) + length(google_cloud_run_v2_job_iam_member.scheduler_runs_sweep)
      + length(google_storage_bucket_iam_member.sweep_data_objects) + length(google_storage_bucket_iam_member.sweep_failed_markers)
      + length(google_storage_bucket_iam_member.sweep_state_objects) + length(google_storage_bucket_iam_member.sweep_ledger_objects) + length(google_storage_bucket_iam_member.sweep_own_records)
      + length(google_pubsub_topic_iam_member.sweep_publishes_stage_events) + length(google_pubsub_topic_iam_member.sweep_publishes_checksum_alerts)
    + length(google_monitoring_alert_policy.sweep_not_succeeding)) == 0
    error_message = "sweep_enabled = false: no job, schedule, accounts, grants or alert"
  }
  assert {
    condition     = output.sweep_job_name == null && output.service_accounts.sweep == null && !contains(keys(google_project_service.enabled), "cloudscheduler.googleapis.com")
    error_message = "no sweep outputs, no Cloud Scheduler API"
  }
  assert {
    condition     = length(google_cloud_run_v2_job.backfill) == 1 && length(google_storage_bucket_iam_member.marker_ledger_objects) == 1 && length(google_storage_bucket_iam_member.backfill_ledger_objects) == 1
    error_message = "the backfill and the other ledger writers stay"
  }
}

run "no_image_no_sweep" {
  command = plan

  variables {
    backfill_image = null
  }

  assert {
    condition     = length(google_cloud_run_v2_job.sweep) == 0 && length(google_cloud_scheduler_job.sweep) == 0 && length(google_service_account.sweep) == 0 && length(google_monitoring_alert_policy.sweep_not_succeeding) == 0
    error_message = "the sweep runs the job image: without one there is nothing to schedule"
  }
}

run "state_in_the_data_bucket" {
  command = plan

  variables {
    state_in_data_bucket = true
  }

  assert {
    condition     = length(google_storage_bucket_iam_member.marker_ledger_objects) == 0 && length(google_storage_bucket_iam_member.backfill_ledger_objects) == 0
    error_message = "the marker and the backfill already hold the data bucket, where the ledger then is"
  }
  assert {
    condition     = google_storage_bucket_iam_member.sweep_ledger_objects[0].bucket == "sg-test-scenes" && google_storage_bucket_iam_member.sweep_state_objects[0].bucket == "sg-test-scenes" && startswith(google_storage_bucket_iam_member.sweep_ledger_objects[0].condition[0].expression, "resource.name.startsWith(\"projects/_/buckets/sg-test-scenes/objects/_scenegate/digests/\")")
    error_message = "the sweep, which only reads the data bucket, gets the ledger and the state documents there"
  }
}
