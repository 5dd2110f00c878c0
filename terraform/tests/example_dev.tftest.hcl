# The dev example plans as documented: its downstream subscriptions pass the module's validation
# and get the runbook's filters.

mock_provider "google" {}
mock_provider "archive" {}
mock_provider "time" {}

run "dev_example_gates_episode_generation_on_usd_passed" {
  command = plan

  module {
    source = "./examples/dev"
  }

  variables {
    project_id        = "my-dev-project"
    data_bucket_name  = "my-dev-project-scenes"
    function_jar_path = "tests/fixtures/scenegate.jar"
  }

  assert {
    condition     = module.scenegate.stage_subscriptions["episode-generation"].filter == "attributes.stage = \"usd\" AND attributes.status = \"passed\""
    error_message = "episode generation starts on usd passed"
  }
  assert {
    condition     = length(module.scenegate.stage_subscriptions) == 5 && module.scenegate.stage_subscriptions["episode-generation"].push_endpoint == null
    error_message = "five workflows; without an endpoint episode generation pulls"
  }
}
