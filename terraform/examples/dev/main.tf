# A throw-away dev environment: everything in one project, small instance limits, buckets and
# the job deletable by `terraform destroy`, and the runbook's downstream workflows gated on stage
# events. A plain `terraform apply` is NOT enough on a fresh project: the webhook signing secret
# needs a version before the notifier can be created (or set webhook_secret, which then lands in
# the state). docs/deploy.md is the whole sequence; in short, from the repository root:
#
#   ./mvnw -B -q -pl functions -am package -DskipTests
#   cd terraform/examples/dev && cp terraform.tfvars.example terraform.tfvars   # then edit it
#   terraform init
#   terraform apply -target=module.scenegate.google_secret_manager_secret.webhook
#   openssl rand -hex 32 | gcloud secrets versions add scenegate-dev-webhook-secret --data-file=-
#   terraform apply            # waits ~3 min for APIs and grants to propagate, then builds

provider "google" {
  project = var.project_id
  region  = var.region
}

module "scenegate" {
  source = "../.."

  project_id       = var.project_id
  region           = var.region
  name_prefix      = "scenegate-dev"
  labels           = { env = "dev" }
  data_bucket_name = var.data_bucket_name

  function_jar_path = var.function_jar_path

  create_data_bucket   = var.create_data_bucket
  bucket_force_destroy = true
  deletion_protection  = false

  webhook_urls   = var.webhook_urls
  webhook_secret = var.webhook_secret
  alert_emails   = var.alert_emails

  backfill_image      = var.backfill_image
  backfill_task_count = 4

  # The hourly sweep (same image): re-drives markers whose events were lost, reports stages
  # running or waiting too long. Dev scenes move faster than production ones.
  freshness_deadlines = {
    running = "PT2H"
    waiting = "PT6H"
  }

  marker_function = {
    max_instances = 5
  }

  # Downstream gating (the runbook's workflows): each consumer gets only the stage events it
  # starts on, with retries and dead-lettering. Push consumers are called with an OIDC token of
  # the given service account; the others pull.
  stage_subscriptions = {
    # Episode generation starts on a scene whose USD passed.
    "episode-generation" = {
      stages                     = ["usd"]
      statuses                   = ["passed"]
      push_endpoint              = var.episode_generation_endpoint
      push_service_account_email = var.episode_generation_endpoint == null ? null : var.episode_generation_invoker
    }
    # The Genie Sim export starts once the variation assets passed; its import once the export did.
    "geniesim-export" = {
      stages = ["variation_assets"]
    }
    "geniesim-import" = {
      stages = ["geniesim_export"]
    }
    # DWM training data once regen3d passed.
    "dwm" = {
      stages = ["regen3d"]
    }
    # The on-call view of every failure, verdicts included.
    "pipeline-failures" = {
      stages   = ["regen3d", "usd", "episodes", "geniesim_import", "e2e"]
      statuses = ["failed"]
    }
  }
  notifier_function = {
    max_instances = 2
  }
}
