# A throw-away dev environment: everything in one project, state in the data bucket,
# small instance limits, buckets and the job deletable by `terraform destroy`.
#
#   ./mvnw -B -q -pl functions -am package -DskipTests   # from the repository root
#   cd terraform/examples/dev
#   cp terraform.tfvars.example terraform.tfvars          # then edit it
#   terraform init && terraform apply

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

  create_data_bucket   = var.create_data_bucket
  bucket_force_destroy = true
  deletion_protection  = false

  webhook_urls   = var.webhook_urls
  webhook_secret = var.webhook_secret
  alert_emails   = var.alert_emails

  backfill_image      = var.backfill_image
  backfill_task_count = 4

  marker_function = {
    max_instances = 5
  }
  notifier_function = {
    max_instances = 2
  }
}
