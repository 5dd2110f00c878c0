variable "project_id" {
  type        = string
  description = "Google Cloud project of the dev environment."
}

variable "region" {
  type        = string
  description = "Region of the functions and the buckets."
  default     = "us-central1"
}

variable "data_bucket_name" {
  type        = string
  description = "Data bucket of the dev environment (globally unique)."
}

variable "create_data_bucket" {
  type        = bool
  description = "False to use an existing data bucket."
  default     = true
}

variable "backfill_image" {
  type        = string
  description = "Container image of the backfill and sweep jobs; null skips both."
  default     = null
}

variable "webhook_urls" {
  type        = list(string)
  description = "Generic JSON webhooks for alerts."
  default     = []
}

variable "webhook_secret" {
  type        = string
  description = "Webhook signing secret (or null and add it with gcloud secrets versions add)."
  default     = null
  sensitive   = true
}

variable "alert_emails" {
  type        = list(string)
  description = "Who gets the Cloud Monitoring alerts by e-mail."
  default     = []
}

variable "episode_generation_endpoint" {
  type        = string
  description = "HTTPS endpoint that starts episode generation for a scene (push); null makes episode-generation a pull subscription."
  default     = null
}

variable "episode_generation_invoker" {
  type        = string
  description = "Service account whose OIDC token the episode-generation push carries (it needs run.invoker on the endpoint's service)."
  default     = null
}

variable "function_jar_path" {
  type        = string
  description = "The shaded jar; null means the module's default, functions/target/scenegate.jar of this repository."
  default     = null
}
