locals {
  # Whether a value was given is not itself secret; count cannot take a sensitive value.
  webhook_secret_given = nonsensitive(var.webhook_secret != null)
  slack_configured     = nonsensitive(length(var.slack_webhook_urls) > 0)
}

# Webhook signing secret (HMAC-SHA256). The value comes from var.webhook_secret (then it is also
# in the Terraform state, which must be protected accordingly) or is added out of band:
#   gcloud secrets versions add <name_prefix>-webhook-secret --data-file=-
resource "google_secret_manager_secret" "webhook" {
  project   = var.project_id
  secret_id = "${var.name_prefix}-webhook-secret"
  labels    = local.labels

  replication {
    auto {}
  }

  depends_on = [time_sleep.apis_propagate]
}

resource "google_secret_manager_secret_version" "webhook" {
  count = local.webhook_secret_given ? 1 : 0

  secret      = google_secret_manager_secret.webhook.id
  secret_data = var.webhook_secret
}

# Slack incoming-webhook URLs carry their own token, so they are a secret too.
resource "google_secret_manager_secret" "slack_webhook_urls" {
  count = local.slack_configured ? 1 : 0

  project   = var.project_id
  secret_id = "${var.name_prefix}-slack-webhook-urls"
  labels    = local.labels

  replication {
    auto {}
  }

  depends_on = [time_sleep.apis_propagate]
}

resource "google_secret_manager_secret_version" "slack_webhook_urls" {
  count = local.slack_configured ? 1 : 0

  secret      = google_secret_manager_secret.slack_webhook_urls[0].id
  secret_data = join(",", var.slack_webhook_urls)
}
