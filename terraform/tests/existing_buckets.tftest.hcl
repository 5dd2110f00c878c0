# Existing data, state and source buckets: used, never created (no 409 on apply), and only when
# they are as private as the ones the module creates.

mock_provider "google" {
  mock_data "google_storage_bucket" {
    defaults = {
      location                    = "US-CENTRAL1"
      uniform_bucket_level_access = true
      public_access_prevention    = "enforced"
    }
  }
}
mock_provider "archive" {}
mock_provider "time" {}

variables {
  project_id           = "sg-test-project"
  data_bucket_name     = "pipeline-scenes"
  function_jar_path    = "tests/fixtures/scenegate.jar"
  create_data_bucket   = false
  create_state_bucket  = false
  state_bucket_name    = "pipeline-scenegate-state"
  create_source_bucket = false
  source_bucket_name   = "pipeline-build-inputs"
}

run "existing_buckets_are_used_not_created" {
  override_data {
    target = data.google_storage_bucket.existing_data[0]
    values = { name = "pipeline-scenes", location = "US-CENTRAL1", uniform_bucket_level_access = true, public_access_prevention = "enforced" }
  }
  override_data {
    target = data.google_storage_bucket.existing_state[0]
    values = { name = "pipeline-scenegate-state", uniform_bucket_level_access = true, public_access_prevention = "enforced" }
  }
  override_data {
    target = data.google_storage_bucket.existing_source[0]
    values = { name = "pipeline-build-inputs", uniform_bucket_level_access = true, public_access_prevention = "enforced" }
  }

  assert {
    condition     = length(google_storage_bucket.data) == 0 && length(google_storage_bucket.state) == 0 && length(google_storage_bucket.source) == 0
    error_message = "no bucket is created when each exists (defect 6: the source bucket no longer 409s)"
  }
  assert {
    condition     = google_storage_bucket_object.function_source.bucket == "pipeline-build-inputs" && google_cloudfunctions2_function.marker.build_config[0].source[0].storage_source[0].bucket == "pipeline-build-inputs"
    error_message = "the function source goes to the existing source bucket"
  }
  assert {
    condition     = google_storage_bucket_iam_member.build_reads_source.bucket == "pipeline-build-inputs"
    error_message = "the build reads the existing source bucket"
  }
  assert {
    condition     = google_storage_bucket_iam_member.marker_data_objects.bucket == "pipeline-scenes" && google_storage_bucket_iam_member.marker_state_objects[0].bucket == "pipeline-scenegate-state"
    error_message = "grants on the existing data and state buckets"
  }
  assert {
    condition     = google_cloudfunctions2_function.marker.event_trigger[0].trigger_region == "us-central1"
    error_message = "the trigger follows the existing bucket's location"
  }
}

run "existing_data_bucket_must_be_private" {
  command = plan

  override_data {
    target = data.google_storage_bucket.existing_data[0]
    values = { name = "pipeline-scenes", location = "US", uniform_bucket_level_access = false, public_access_prevention = "inherited" }
  }

  expect_failures = [data.google_storage_bucket.existing_data]
}

run "existing_state_bucket_must_be_private" {
  command = plan

  override_data {
    target = data.google_storage_bucket.existing_state[0]
    values = { name = "pipeline-scenegate-state", uniform_bucket_level_access = true, public_access_prevention = "inherited" }
  }

  expect_failures = [data.google_storage_bucket.existing_state]
}

run "existing_source_bucket_needs_a_name" {
  command = plan

  variables {
    source_bucket_name = null
  }

  expect_failures = [data.google_storage_bucket.existing_source]
}
