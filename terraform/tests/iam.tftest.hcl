# Every grant, per identity: which role, on which one resource. No identity of scenegate holds a
# role wider than a bucket, a topic, a subscription, a secret, a repository or its own function's
# service; the project-level grants are the two that Google Cloud offers at no narrower scope
# (Eventarc's event receiver, log writing) and the Cloud Storage agent's publisher role
# (iam.tf says why). TerraformPolicyTest checks the same rules over every grant in the source.
# The sweep's and the scheduler's grants, and the digest ledger's, are in sweep.tftest.hcl.

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
  stage_subscriptions = {
    "episode-generation" = { stages = ["usd"], subscriber_members = ["serviceAccount:episodes@sg-test-project.iam.gserviceaccount.com"] }
  }
}

run "marker_objects_of_its_buckets_and_publish_on_its_topics" {
  assert {
    condition     = google_storage_bucket_iam_member.marker_data_objects.member == google_service_account.marker.member && google_storage_bucket_iam_member.marker_data_objects.bucket == "sg-test-scenes" && google_storage_bucket_iam_member.marker_data_objects.role == "roles/storage.objectUser"
    error_message = "marker: objectUser on the data bucket"
  }
  assert {
    condition     = google_storage_bucket_iam_member.marker_state_objects[0].member == google_service_account.marker.member && google_storage_bucket_iam_member.marker_state_objects[0].bucket == google_storage_bucket.state[0].name && google_storage_bucket_iam_member.marker_state_objects[0].role == "roles/storage.objectUser"
    error_message = "marker: objectUser on the state bucket..."
  }
  assert {
    condition     = google_storage_bucket_iam_member.marker_state_objects[0].condition[0].expression == "resource.name.startsWith(\"projects/_/buckets/sg-test-project-scenegate-state/objects/_scenegate/state/\")" && google_storage_bucket_iam_member.marker_ledger_objects[0].member == google_service_account.marker.member
    error_message = "...under the state prefix, and the digest ledger (tests/sweep.tftest.hcl)"
  }
  assert {
    condition     = google_pubsub_topic_iam_member.marker_publishes_stage_events.topic == "stage-events" && google_pubsub_topic_iam_member.marker_publishes_checksum_alerts.topic == "checksum-alerts" && google_pubsub_topic_iam_member.marker_publishes_stage_events.role == "roles/pubsub.publisher" && google_pubsub_topic_iam_member.marker_publishes_checksum_alerts.role == "roles/pubsub.publisher" && google_pubsub_topic_iam_member.marker_publishes_stage_events.member == google_service_account.marker.member && google_pubsub_topic_iam_member.marker_publishes_checksum_alerts.member == google_service_account.marker.member
    error_message = "marker: publisher on its two topics"
  }
}

run "notifier_its_secrets_and_the_state_prefix" {
  assert {
    condition     = google_secret_manager_secret_iam_member.notifier_reads_webhook_secret.secret_id == google_secret_manager_secret.webhook.secret_id && google_secret_manager_secret_iam_member.notifier_reads_webhook_secret.role == "roles/secretmanager.secretAccessor" && google_secret_manager_secret_iam_member.notifier_reads_webhook_secret.member == google_service_account.notifier.member
    error_message = "notifier: accessor of the webhook secret only"
  }
  assert {
    condition     = google_storage_bucket_iam_member.notifier_state_objects.bucket == google_storage_bucket.state[0].name && google_storage_bucket_iam_member.notifier_state_objects.role == "roles/storage.objectUser" && google_storage_bucket_iam_member.notifier_state_objects.member == google_service_account.notifier.member
    error_message = "notifier: objectUser on the state bucket"
  }
  assert {
    condition     = google_storage_bucket_iam_member.notifier_state_objects.condition[0].expression == "resource.name.startsWith(\"projects/_/buckets/sg-test-project-scenegate-state/objects/_scenegate/state/\")"
    error_message = "notifier: under the state prefix only"
  }
}

run "backfill_objects_of_its_buckets_and_publish_alerts" {
  assert {
    condition     = google_storage_bucket_iam_member.backfill_data_objects.bucket == "sg-test-scenes" && google_storage_bucket_iam_member.backfill_data_objects.role == "roles/storage.objectUser" && google_storage_bucket_iam_member.backfill_data_objects.member == google_service_account.backfill.member
    error_message = "backfill: objectUser on the data bucket"
  }
  assert {
    condition     = google_storage_bucket_iam_member.backfill_ledger_objects[0].bucket == google_storage_bucket.state[0].name && google_storage_bucket_iam_member.backfill_ledger_objects[0].member == google_service_account.backfill.member && startswith(google_storage_bucket_iam_member.backfill_ledger_objects[0].condition[0].expression, "resource.name.startsWith(\"projects/_/buckets/sg-test-project-scenegate-state/objects/_scenegate/digests/\")")
    error_message = "backfill: of the state bucket, the digest ledger only (tests/sweep.tftest.hcl)"
  }
  assert {
    condition     = google_pubsub_topic_iam_member.backfill_publishes_checksum_alerts.topic == "checksum-alerts" && google_pubsub_topic_iam_member.backfill_publishes_checksum_alerts.role == "roles/pubsub.publisher" && google_pubsub_topic_iam_member.backfill_publishes_checksum_alerts.member == google_service_account.backfill.member
    error_message = "backfill: publisher on checksum-alerts"
  }
}

run "trigger_and_push_identities_invoke_their_own_function" {
  assert {
    condition     = google_project_iam_member.marker_trigger_receives_events.role == "roles/eventarc.eventReceiver" && google_project_iam_member.marker_trigger_receives_events.member == google_service_account.marker_trigger.member
    error_message = "marker trigger: Eventarc event receiver (project level: Eventarc checks it there)"
  }
  assert {
    condition     = google_cloud_run_service_iam_member.marker_trigger_invokes_marker.service == "scenegate-marker" && google_cloud_run_service_iam_member.marker_trigger_invokes_marker.role == "roles/run.invoker" && google_cloud_run_service_iam_member.marker_trigger_invokes_marker.member == google_service_account.marker_trigger.member
    error_message = "marker trigger: invoker of the marker's service only"
  }
  assert {
    condition     = google_cloud_run_service_iam_member.notifier_trigger_invokes_notifier.service == "scenegate-alert-notifier" && google_cloud_run_service_iam_member.notifier_trigger_invokes_notifier.role == "roles/run.invoker" && google_cloud_run_service_iam_member.notifier_trigger_invokes_notifier.member == google_service_account.notifier_trigger.member
    error_message = "notifier push identity: invoker of the notifier's service only"
  }
}

run "build_logs_its_repository_and_the_source" {
  assert {
    condition     = google_project_iam_member.build_writes_logs.role == "roles/logging.logWriter" && google_project_iam_member.build_writes_logs.member == "serviceAccount:${google_service_account.build[0].email}"
    error_message = "build: log writer"
  }
  assert {
    condition     = google_artifact_registry_repository_iam_member.build_pushes_images.repository == google_artifact_registry_repository.images.name && google_artifact_registry_repository_iam_member.build_pushes_images.role == "roles/artifactregistry.writer"
    error_message = "build: writer on the module's repository only"
  }
  assert {
    condition     = google_storage_bucket_iam_member.build_reads_source.bucket == "sg-test-project-scenegate-src" && google_storage_bucket_iam_member.build_reads_source.role == "roles/storage.objectViewer"
    error_message = "build: object viewer on the source bucket only"
  }
}

run "google_agents_and_subscribers" {
  assert {
    condition     = google_project_iam_member.gcs_agent_publishes_notifications.role == "roles/pubsub.publisher" && google_project_iam_member.gcs_agent_publishes_notifications.member == "serviceAccount:service-123456789012@gs-project-accounts.iam.gserviceaccount.com"
    error_message = "the Cloud Storage agent publishes bucket notifications"
  }
  assert {
    condition     = google_pubsub_topic_iam_member.dead_letter_publisher_pubsub_agent.member == "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com" && google_pubsub_topic_iam_member.stage_dead_letter_publisher_pubsub_agent[0].topic == "stage-events-dead-letter"
    error_message = "the Pub/Sub agent publishes to both dead-letter topics"
  }
  assert {
    condition     = google_pubsub_subscription_iam_member.notifier_subscriber_pubsub_agent.subscription == google_pubsub_subscription.notifier.name && google_pubsub_subscription_iam_member.stage_subscriber_pubsub_agent["episode-generation"].subscription == "episode-generation"
    error_message = "the Pub/Sub agent acknowledges dead-lettered messages on each dead-lettering subscription"
  }
  assert {
    condition     = google_pubsub_subscription_iam_member.stage_subscribers["episode-generation serviceAccount:episodes@sg-test-project.iam.gserviceaccount.com"].role == "roles/pubsub.subscriber" && google_pubsub_subscription_iam_member.stage_subscribers["episode-generation serviceAccount:episodes@sg-test-project.iam.gserviceaccount.com"].subscription == "episode-generation"
    error_message = "a downstream consumer may pull from its own subscription only"
  }
}
