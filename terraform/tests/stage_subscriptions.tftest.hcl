# Downstream gating: each consumer's subscription on stage-events receives only the events
# whose stage and status attributes match; the runbook's workflows as the example.

mock_provider "google" {}
mock_provider "archive" {}
mock_provider "time" {}

variables {
  project_id        = "sg-test-project"
  data_bucket_name  = "sg-test-scenes"
  function_jar_path = "tests/fixtures/scenegate.jar"
  stage_subscriptions = {
    # Episode generation starts when a scene's USD passed (push to the job's trigger service).
    "episode-generation" = {
      stages                     = ["usd"]
      push_endpoint              = "https://episode-generation-abc123-uc.a.run.app/start"
      push_service_account_email = "episodes-push@sg-test-project.iam.gserviceaccount.com"
      ack_deadline_seconds       = 120
    }
    # The Genie Sim export waits for the variation assets (pulled by its scheduler).
    "geniesim-export" = {
      stages             = ["variation_assets"]
      subscriber_members = ["serviceAccount:geniesim@sg-test-project.iam.gserviceaccount.com"]
    }
    # Operators see every failed stage and the failed verdicts.
    "pipeline-failures" = {
      stages                = ["regen3d", "usd", "episodes", "geniesim_import", "e2e"]
      statuses              = ["failed"]
      max_delivery_attempts = 5
    }
    "training-ready" = {
      stages   = ["e2e"]
      statuses = ["passed", "skipped"]
    }
  }
}

run "filters_on_stage_and_status_attributes" {
  assert {
    condition     = google_pubsub_subscription.stage["episode-generation"].filter == "attributes.stage = \"usd\" AND attributes.status = \"passed\""
    error_message = "episode generation starts on usd passed: ${google_pubsub_subscription.stage["episode-generation"].filter}"
  }
  assert {
    condition     = google_pubsub_subscription.stage["geniesim-export"].filter == "attributes.stage = \"variation_assets\" AND attributes.status = \"passed\""
    error_message = "statuses default to passed"
  }
  assert {
    condition     = google_pubsub_subscription.stage["pipeline-failures"].filter == "(attributes.stage = \"regen3d\" OR attributes.stage = \"usd\" OR attributes.stage = \"episodes\" OR attributes.stage = \"geniesim_import\" OR attributes.stage = \"e2e\") AND attributes.status = \"failed\""
    error_message = "several stages: ${google_pubsub_subscription.stage["pipeline-failures"].filter}"
  }
  assert {
    condition     = google_pubsub_subscription.stage["training-ready"].filter == "attributes.stage = \"e2e\" AND (attributes.status = \"passed\" OR attributes.status = \"skipped\")"
    error_message = "several statuses: ${google_pubsub_subscription.stage["training-ready"].filter}"
  }
  assert {
    condition     = alltrue([for s in google_pubsub_subscription.stage : s.topic == google_pubsub_topic.stage_events.id && s.enable_message_ordering])
    error_message = "all on stage-events, in order per scene (ordering key scene_id)"
  }
}

run "push_or_pull_with_dead_lettering" {
  assert {
    condition     = google_pubsub_subscription.stage["episode-generation"].push_config[0].push_endpoint == "https://episode-generation-abc123-uc.a.run.app/start" && google_pubsub_subscription.stage["episode-generation"].push_config[0].oidc_token[0].service_account_email == "episodes-push@sg-test-project.iam.gserviceaccount.com"
    error_message = "push with an OIDC token of the given identity"
  }
  assert {
    condition     = google_pubsub_subscription.stage["episode-generation"].push_config[0].oidc_token[0].audience == "https://episode-generation-abc123-uc.a.run.app/start" && google_pubsub_subscription.stage["episode-generation"].ack_deadline_seconds == 120
    error_message = "audience defaults to the endpoint"
  }
  assert {
    condition     = length(google_pubsub_subscription.stage["geniesim-export"].push_config) == 0
    error_message = "no push_endpoint: a pull subscription"
  }
  assert {
    condition     = alltrue([for s in google_pubsub_subscription.stage : s.dead_letter_policy[0].dead_letter_topic == google_pubsub_topic.stage_events_dead_letter[0].id && s.retry_policy[0].maximum_backoff == "600s" && s.expiration_policy[0].ttl == ""])
    error_message = "every downstream subscription retries and dead-letters into stage-events-dead-letter"
  }
  assert {
    condition     = google_pubsub_subscription.stage["pipeline-failures"].dead_letter_policy[0].max_delivery_attempts == 5 && google_pubsub_subscription.stage["geniesim-export"].dead_letter_policy[0].max_delivery_attempts == 10
    error_message = "max_delivery_attempts per consumer"
  }
  assert {
    condition     = google_pubsub_subscription.stage_events_dead_letter_hold[0].topic == google_pubsub_topic.stage_events_dead_letter[0].id && length(google_monitoring_alert_policy.dead_letters.conditions) == 4
    error_message = "stage dead letters are held and alerted on like the alerts' ones"
  }
  assert {
    condition     = output.stage_subscriptions["episode-generation"].filter == google_pubsub_subscription.stage["episode-generation"].filter && output.stage_subscriptions["geniesim-export"].push_endpoint == null
    error_message = "the stage_subscriptions output"
  }
}

run "filter_longer_than_pubsub_allows" {
  command = plan

  variables {
    stage_subscriptions = {
      "everything-that-failed" = {
        stages   = ["source_image", "regen3d", "variation_assets", "usd", "geniesim_export", "episodes", "geniesim_import", "dwm", "e2e"]
        statuses = ["failed", "waiting"]
      }
    }
  }

  expect_failures = [google_pubsub_subscription.stage]
}
