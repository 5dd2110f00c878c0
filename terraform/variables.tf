# ---------------------------------------------------------------------------------------------
# Project and naming
# ---------------------------------------------------------------------------------------------

variable "project_id" {
  type        = string
  description = "Google Cloud project that holds every scenegate resource (and the data bucket)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project ID: 6-30 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  type        = string
  description = "Region of the functions, the backfill job and the Eventarc triggers (e.g. us-central1)."
  default     = "us-central1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must look like us-central1 or europe-west4."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name scenegate creates (functions, service accounts, secret, job)."
  default     = "scenegate"

  validation {
    # Service account IDs are 6-30 characters and the longest suffix is "-notifier-evt".
    condition     = can(regex("^[a-z][a-z0-9-]{2,15}$", var.name_prefix)) && !endswith(var.name_prefix, "-")
    error_message = "name_prefix must be 3-16 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen."
  }
}

variable "labels" {
  type        = map(string)
  description = "Extra labels put on every resource that takes labels."
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])
    error_message = "Label keys must start with a lowercase letter; keys and values may hold lowercase letters, digits, _ and - (at most 63 characters)."
  }
}

variable "enable_apis" {
  type        = bool
  description = "Enable the Google Cloud APIs scenegate needs. Set to false when they are enabled out of band (then the deployer needs no Service Usage Admin role)."
  default     = true
}

variable "deletion_protection" {
  type        = bool
  description = "Protect the backfill Cloud Run Job against `terraform destroy`."
  default     = true
}

# ---------------------------------------------------------------------------------------------
# Buckets
# ---------------------------------------------------------------------------------------------

variable "create_data_bucket" {
  type        = bool
  description = "Create the data bucket. Set to false to use an existing bucket named data_bucket_name (it must already have uniform bucket-level access and enforced public access prevention)."
  default     = true
}

variable "data_bucket_name" {
  type        = string
  description = "Name of the pipeline's data bucket (holds scenes/<scene_id>/...). Created unless create_data_bucket is false."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$", var.data_bucket_name)) && !startswith(var.data_bucket_name, "goog")
    error_message = "data_bucket_name must be a valid bucket name: 3-63 lowercase letters, digits, _ or -, not starting with goog."
  }
}

variable "bucket_location" {
  type        = string
  description = "Location of the buckets this module creates (a region such as US-CENTRAL1, or a multi-region such as US). Null means the region of the functions. The marker trigger follows the data bucket's location."
  default     = null

  validation {
    condition     = var.bucket_location == null || can(regex("^[A-Za-z]+[A-Za-z0-9-]*$", var.bucket_location))
    error_message = "bucket_location must be a location name such as US, EU or US-CENTRAL1."
  }
}

variable "bucket_force_destroy" {
  type        = bool
  description = "Let `terraform destroy` delete buckets this module created even when they still hold objects. Keep false outside throw-away environments."
  default     = false
}

variable "noncurrent_version_retention_days" {
  type        = number
  description = "Days a noncurrent object version (an overwritten state document, a replaced asset) is kept in buckets this module creates before it is deleted. 0 keeps them forever."
  default     = 30

  validation {
    condition     = var.noncurrent_version_retention_days >= 0 && floor(var.noncurrent_version_retention_days) == var.noncurrent_version_retention_days
    error_message = "noncurrent_version_retention_days must be a whole number >= 0."
  }
}

variable "kms_key_name" {
  type        = string
  description = "Optional Cloud KMS key (projects/P/locations/L/keyRings/R/cryptoKeys/K) used as the default CMEK of the buckets this module creates. The Cloud Storage service agent is granted encrypt/decrypt on this key only."
  default     = null

  validation {
    condition     = var.kms_key_name == null || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be a full key name: projects/P/locations/L/keyRings/R/cryptoKeys/K."
  }
}

variable "state_in_data_bucket" {
  type        = bool
  description = "Keep the state documents in the data bucket under state_prefix instead of a bucket of their own. Then every state write is itself an object event that invokes the marker function (which dismisses it): twice the invocations. False (the default) uses state_bucket_name."
  default     = false
}

variable "state_bucket_name" {
  type        = string
  description = "Bucket of scenegate's per-scene state documents (unless state_in_data_bucket). Null means <project_id>-<name_prefix>-state."
  default     = null

  validation {
    condition     = var.state_bucket_name == null || can(regex("^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be a valid bucket name: 3-63 lowercase letters, digits, _ or -."
  }
}

variable "create_state_bucket" {
  type        = bool
  description = "Create the state bucket (unless state_in_data_bucket). False uses an existing bucket named state_bucket_name, which must have uniform bucket-level access and enforced public access prevention."
  default     = true
}

variable "state_prefix" {
  type        = string
  description = "Object prefix of the state documents (<state_prefix><scene_id>.json)."
  default     = "_scenegate/state/"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*/$", var.state_prefix))
    error_message = "state_prefix must be a relative object prefix ending in / (e.g. _scenegate/state/)."
  }
}

variable "source_bucket_name" {
  type        = string
  description = "Bucket that receives the function source archive (and the staged source of the backfill image build). Null means <project_id>-<name_prefix>-src."
  default     = null

  validation {
    condition     = var.source_bucket_name == null || can(regex("^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$", var.source_bucket_name))
    error_message = "source_bucket_name must be a valid bucket name: 3-63 lowercase letters, digits, _ or -."
  }
}

variable "create_source_bucket" {
  type        = bool
  description = "Create the source bucket. False uses an existing bucket named source_bucket_name (required then), which must have uniform bucket-level access and enforced public access prevention."
  default     = true
}

# ---------------------------------------------------------------------------------------------
# Pub/Sub
# ---------------------------------------------------------------------------------------------

variable "stage_events_topic_name" {
  type        = string
  description = "Topic of the stage events (ordering key scene_id)."
  default     = "stage-events"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9._~%+-]{2,254}$", var.stage_events_topic_name)) && !startswith(var.stage_events_topic_name, "goog")
    error_message = "stage_events_topic_name must be a valid Pub/Sub topic name."
  }
}

variable "checksum_alerts_topic_name" {
  type        = string
  description = "Topic of the checksum, drift and gate alerts."
  default     = "checksum-alerts"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9._~%+-]{2,254}$", var.checksum_alerts_topic_name)) && !startswith(var.checksum_alerts_topic_name, "goog")
    error_message = "checksum_alerts_topic_name must be a valid Pub/Sub topic name."
  }
}

variable "dead_letter_topic_name" {
  type        = string
  description = "Topic that receives alert messages no subscriber could take after max_delivery_attempts."
  default     = "checksum-alerts-dead-letter"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9._~%+-]{2,254}$", var.dead_letter_topic_name)) && !startswith(var.dead_letter_topic_name, "goog")
    error_message = "dead_letter_topic_name must be a valid Pub/Sub topic name."
  }
}

variable "message_retention_duration" {
  type        = string
  description = "How long the topics and subscriptions keep messages (seconds, e.g. 604800s = 7 days)."
  default     = "604800s"

  validation {
    condition     = can(regex("^[0-9]+s$", var.message_retention_duration)) && try(tonumber(trimsuffix(var.message_retention_duration, "s")) >= 600 && tonumber(trimsuffix(var.message_retention_duration, "s")) <= 604800, false)
    error_message = "message_retention_duration must be between 600s and 604800s."
  }
}

variable "alert_subscriptions" {
  type = map(object({
    ack_deadline_seconds  = optional(number, 60)
    max_delivery_attempts = optional(number, 10)
    minimum_backoff       = optional(string, "10s")
    maximum_backoff       = optional(string, "600s")
  }))
  description = "Pull subscriptions on the alert topic for alert subscribers (people's tools, ticketing, SIEM), by subscription name. Each gets a retry policy and dead-lettering. The alert notifier has its own push subscription (notifier_subscription)."
  default = {
    "checksum-alerts-oncall" = {}
  }

  validation {
    condition = alltrue([for name, s in var.alert_subscriptions :
      can(regex("^[A-Za-z][A-Za-z0-9._~%+-]{2,254}$", name))
      && s.ack_deadline_seconds >= 10 && s.ack_deadline_seconds <= 600
      && s.max_delivery_attempts >= 5 && s.max_delivery_attempts <= 100
    ])
    error_message = "Each alert subscription needs a valid name, ack_deadline_seconds in 10..600 and max_delivery_attempts in 5..100."
  }

  # The Pub/Sub API: each backoff 0..600 s, minimum <= maximum.
  validation {
    condition = alltrue([for s in var.alert_subscriptions :
      can(regex("^[0-9]+s$", s.minimum_backoff)) && can(regex("^[0-9]+s$", s.maximum_backoff))
      && try(tonumber(trimsuffix(s.maximum_backoff, "s")) <= 600, false)
      && try(tonumber(trimsuffix(s.minimum_backoff, "s")) <= tonumber(trimsuffix(s.maximum_backoff, "s")), false)
    ])
    error_message = "Alert subscription backoffs are written as <seconds>s, at most 600s, and minimum_backoff <= maximum_backoff."
  }
}

variable "notifier_subscription" {
  type = object({
    max_delivery_attempts = optional(number, 10)
    minimum_backoff       = optional(string, "10s")
    maximum_backoff       = optional(string, "600s")
  })
  description = "Delivery of checksum alerts to the alert notifier function: a push subscription of this module (not Eventarc's, which cannot dead-letter). Its ack deadline is the notifier's timeout; after max_delivery_attempts an alert goes to the dead-letter topic."
  default     = {}

  validation {
    condition = (var.notifier_subscription.max_delivery_attempts >= 5 && var.notifier_subscription.max_delivery_attempts <= 100
      && can(regex("^[0-9]+s$", var.notifier_subscription.minimum_backoff)) && can(regex("^[0-9]+s$", var.notifier_subscription.maximum_backoff))
      && try(tonumber(trimsuffix(var.notifier_subscription.maximum_backoff, "s")) <= 600, false)
    && try(tonumber(trimsuffix(var.notifier_subscription.minimum_backoff, "s")) <= tonumber(trimsuffix(var.notifier_subscription.maximum_backoff, "s")), false))
    error_message = "notifier_subscription: max_delivery_attempts in 5..100; backoffs as <seconds>s, at most 600s, minimum_backoff <= maximum_backoff."
  }
}

variable "stage_subscriptions" {
  type = map(object({
    stages   = list(string)
    statuses = optional(list(string), ["passed"])
    # Push: the consumer's HTTPS endpoint, called with an OIDC token of push_service_account_email
    # (audience push_audience, default the endpoint). Null: a pull subscription.
    push_endpoint              = optional(string)
    push_service_account_email = optional(string)
    push_audience              = optional(string)
    ack_deadline_seconds       = optional(number, 60)
    max_delivery_attempts      = optional(number, 10)
    minimum_backoff            = optional(string, "10s")
    maximum_backoff            = optional(string, "600s")
    message_retention_duration = optional(string, "604800s")
    # Stage events carry ordering key scene_id: one scene's events in order, scenes in parallel.
    enable_message_ordering = optional(bool, true)
    # Principals that pull from it (pull subscriptions): roles/pubsub.subscriber on it only.
    subscriber_members = optional(list(string), [])
  }))
  description = "Downstream gating: per consumer, a subscription on the stage-events topic that receives only the events whose stage and status attributes match (e.g. episode generation starts on usd passed), push or pull, with retries and dead-lettering. Keyed by subscription name."
  default     = {}

  validation {
    condition = alltrue([for name, s in var.stage_subscriptions :
      can(regex("^[A-Za-z][A-Za-z0-9._~%+-]{2,254}$", name)) && !startswith(name, "goog")
    ])
    error_message = "stage_subscriptions keys are subscription names: 3-255 characters, starting with a letter, not with goog."
  }

  validation {
    condition = alltrue([for s in var.stage_subscriptions :
      length(s.stages) > 0 && alltrue([for stage in s.stages : contains(["source_image", "regen3d", "variation_assets", "usd", "geniesim_export", "episodes", "geniesim_import", "dwm", "e2e"], stage)])
    ])
    error_message = "stage_subscriptions: stages must be a non-empty list of source_image, regen3d, variation_assets, usd, geniesim_export, episodes, geniesim_import, dwm or e2e (the verdict)."
  }

  validation {
    condition = alltrue([for s in var.stage_subscriptions :
      length(s.statuses) > 0 && alltrue([for status in s.statuses : contains(["waiting", "running", "passed", "failed", "skipped"], status)])
    ])
    error_message = "stage_subscriptions: statuses must be a non-empty list of waiting, running, passed, failed or skipped."
  }

  validation {
    condition = alltrue([for s in var.stage_subscriptions :
      s.push_endpoint == null ? s.push_service_account_email == null && s.push_audience == null : (startswith(s.push_endpoint, "https://") && s.push_service_account_email != null)
    ])
    error_message = "stage_subscriptions: a push_endpoint must be https:// and comes with push_service_account_email (the OIDC token's identity); pull subscriptions take neither."
  }

  validation {
    condition = alltrue([for s in var.stage_subscriptions :
      s.ack_deadline_seconds >= 10 && s.ack_deadline_seconds <= 600
      && s.max_delivery_attempts >= 5 && s.max_delivery_attempts <= 100
      && can(regex("^[0-9]+s$", s.minimum_backoff)) && can(regex("^[0-9]+s$", s.maximum_backoff))
      && try(tonumber(trimsuffix(s.maximum_backoff, "s")) <= 600, false)
      && try(tonumber(trimsuffix(s.minimum_backoff, "s")) <= tonumber(trimsuffix(s.maximum_backoff, "s")), false)
      && can(regex("^[0-9]+s$", s.message_retention_duration))
      && try(tonumber(trimsuffix(s.message_retention_duration, "s")) >= 600 && tonumber(trimsuffix(s.message_retention_duration, "s")) <= 604800, false)
    ])
    error_message = "stage_subscriptions: ack_deadline_seconds 10..600, max_delivery_attempts 5..100, backoffs <seconds>s at most 600s with minimum <= maximum, message_retention_duration 600s..604800s."
  }

  validation {
    condition = alltrue([for s in var.stage_subscriptions :
      alltrue([for m in s.subscriber_members : can(regex("^(user|group|serviceAccount|domain):[^ ]+$", m))])
    ])
    error_message = "stage_subscriptions: subscriber_members must be user:, group:, serviceAccount: or domain: principals."
  }
}

variable "alert_subscriber_members" {
  type        = list(string)
  description = "Principals (user:, group:, serviceAccount:) allowed to pull from every alert subscription (roles/pubsub.subscriber on the subscription only)."
  default     = []

  validation {
    condition     = alltrue([for m in var.alert_subscriber_members : can(regex("^(user|group|serviceAccount|domain):[^ ]+$", m))])
    error_message = "alert_subscriber_members must be user:, group:, serviceAccount: or domain: principals; public principals are not accepted."
  }
}

# ---------------------------------------------------------------------------------------------
# Functions and job
# ---------------------------------------------------------------------------------------------

variable "function_jar_path" {
  type        = string
  description = "The shaded jar (built by ./mvnw package), relative to this module's directory unless absolute."
  default     = "../functions/target/scenegate.jar"
  nullable    = false # a caller passing null gets the default

  validation {
    condition     = endswith(var.function_jar_path, ".jar")
    error_message = "function_jar_path must point to a .jar file."
  }
}

variable "build_service_account_email" {
  type        = string
  description = "Service account Cloud Build runs the function builds as. Null: this module creates <name_prefix>-build with only what a build needs (write logs, push to the module's Artifact Registry repository, read the source bucket). Never the Compute Engine default account, which new projects no longer give build rights (and which may not exist)."
  default     = null

  validation {
    condition     = var.build_service_account_email == null || can(regex("^[^@ ]+@[^@ ]+\\.iam\\.gserviceaccount\\.com$", var.build_service_account_email))
    error_message = "build_service_account_email must be a service account e-mail address."
  }
}

variable "function_runtime" {
  type        = string
  description = "Cloud Functions runtime of both functions. The jar is built for Java 17 and runs on 21; java17 is deprecated by Google Cloud in October 2027."
  default     = "java21"

  validation {
    condition     = contains(["java17", "java21", "java25"], var.function_runtime)
    error_message = "function_runtime must be java17, java21 or java25."
  }
}

variable "propagation_waits" {
  type = object({
    apis = optional(string, "60s")
    iam  = optional(string, "120s")
  })
  description = "How long the first apply waits (time_sleep) after enabling the APIs, and after the grants that Eventarc and the builds need, before creating what uses them: on a fresh project the Eventarc service agent and new IAM bindings take minutes to propagate. Only on create; later applies do not wait."
  default     = {}

  validation {
    condition     = can(regex("^[0-9]+s$", var.propagation_waits.apis)) && can(regex("^[0-9]+s$", var.propagation_waits.iam))
    error_message = "propagation_waits: durations written as <seconds>s, e.g. 120s."
  }
}

variable "marker_function" {
  type = object({
    memory          = optional(string, "1Gi")
    cpu             = optional(string, "1")
    timeout_seconds = optional(number, 540)
    min_instances   = optional(number, 0)
    max_instances   = optional(number, 20)
    # Most events are asset uploads dismissed in ~2 ms; bench/dismissal-throughput measured one
    # instance at 215 dismissals/s with concurrency 1 and 4,742/s at 80. Markers on an instance
    # stay bounded by the shared hashing pool and MAX_CONCURRENT_MARKERS (heap-derived).
    concurrency = optional(number, 80)
  })
  description = "Sizing of the marker function (it hashes assets, so memory and timeout matter)."
  default     = {}

  validation {
    condition     = var.marker_function.timeout_seconds >= 1 && var.marker_function.timeout_seconds <= 540 && var.marker_function.max_instances >= 1 && var.marker_function.min_instances >= 0 && var.marker_function.min_instances <= var.marker_function.max_instances && var.marker_function.concurrency >= 1 && var.marker_function.concurrency <= 1000 && (var.marker_function.concurrency == 1 || tonumber(var.marker_function.cpu) >= 1)
    error_message = "marker_function: timeout_seconds must be 1..540 (event-driven limit), max_instances >= 1, 0 <= min_instances <= max_instances, concurrency 1..1000 (above 1 needs cpu >= 1)."
  }
}

variable "notifier_function" {
  type = object({
    memory          = optional(string, "512Mi")
    cpu             = optional(string, "1")
    timeout_seconds = optional(number, 300)
    min_instances   = optional(number, 0)
    max_instances   = optional(number, 5)
    concurrency     = optional(number, 1)
  })
  description = "Sizing of the alert notifier function."
  default     = {}

  validation {
    condition     = var.notifier_function.timeout_seconds >= 1 && var.notifier_function.timeout_seconds <= 540 && var.notifier_function.max_instances >= 1 && var.notifier_function.min_instances >= 0 && var.notifier_function.min_instances <= var.notifier_function.max_instances && var.notifier_function.concurrency >= 1
    error_message = "notifier_function: timeout_seconds must be 1..540 (event-driven limit), max_instances >= 1, 0 <= min_instances <= max_instances, concurrency >= 1."
  }
}

variable "log_level" {
  type        = string
  description = "SCENEGATE_LOG_LEVEL of the functions and the job."
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARN or ERROR."
  }
}

variable "min_quality_score" {
  type        = number
  description = "MIN_QUALITY_SCORE of the runbook: the geniesim_import gate (quality.average_score >= it, quality.threshold == it)."
  default     = 0.85

  validation {
    condition     = var.min_quality_score > 0 && var.min_quality_score <= 1
    error_message = "min_quality_score must be in (0, 1]."
  }
}

variable "marker_extra_env" {
  type        = map(string)
  description = "Extra environment variables of the marker function (e.g. other gate thresholds). Cannot override the ones this module sets."
  default     = {}
}

variable "notifier_extra_env" {
  type        = map(string)
  description = "Extra environment variables of the alert notifier function. Cannot override the ones this module sets."
  default     = {}
}

variable "webhook_urls" {
  type        = list(string)
  description = "Generic JSON webhooks the alert notifier posts every alert to (WEBHOOK_URLS, comma separated)."
  default     = []

  validation {
    condition     = alltrue([for u in var.webhook_urls : startswith(u, "https://") && !strcontains(u, ",")])
    error_message = "webhook_urls must be https:// URLs without commas."
  }
}

variable "slack_webhook_urls" {
  type        = list(string)
  description = "Slack incoming-webhook URLs. They embed a token, so they are stored in Secret Manager and reach the notifier as the secret environment variable SLACK_WEBHOOK_URLS (comma separated)."
  default     = []
  sensitive   = true

  validation {
    condition     = alltrue([for u in var.slack_webhook_urls : startswith(u, "https://") && !strcontains(u, ",")])
    error_message = "slack_webhook_urls must be https:// URLs without commas."
  }
}

variable "webhook_secret" {
  type        = string
  description = "HMAC-SHA256 signing secret of the webhooks. Null: add the secret's first version out of band (gcloud secrets versions add) before applying, which keeps it out of the Terraform state."
  default     = null
  sensitive   = true

  validation {
    condition     = var.webhook_secret == null || try(length(var.webhook_secret) >= 32, false)
    error_message = "webhook_secret must be at least 32 characters."
  }
}

variable "backfill_image" {
  type        = string
  description = "Container image of the backfill job and of the scheduled sweep (the scenegate jar; terraform/backfill-image/Dockerfile), pushed to this module's Artifact Registry repository (output image_repository; see docs/deploy.md). The backfill job passes `backfill gs://<data bucket>/scenes/` as arguments, the sweep `sweep --bucket <data bucket>`. Null skips both jobs."
  default     = null

  validation {
    condition     = var.backfill_image == null || can(regex("^[a-z0-9.-]+(:[0-9]+)?/[^ ]+$", var.backfill_image))
    error_message = "backfill_image must be a full image reference such as us-docker.pkg.dev/PROJECT/REPO/scenegate:TAG."
  }
}

variable "backfill_task_count" {
  type        = number
  description = "Number of backfill tasks; each takes its own shard of scenes (CLOUD_RUN_TASK_INDEX / CLOUD_RUN_TASK_COUNT)."
  default     = 1

  validation {
    condition     = var.backfill_task_count >= 1 && var.backfill_task_count <= 10000 && floor(var.backfill_task_count) == var.backfill_task_count
    error_message = "backfill_task_count must be a whole number in 1..10000."
  }
}

variable "backfill_parallelism" {
  type        = number
  description = "How many backfill tasks run at once (0 = as many as possible)."
  default     = 0

  validation {
    condition     = var.backfill_parallelism >= 0 && floor(var.backfill_parallelism) == var.backfill_parallelism
    error_message = "backfill_parallelism must be a whole number >= 0."
  }
}

variable "backfill_max_retries" {
  type        = number
  description = "Retries of a failed backfill task (a task stopped by SIGTERM exits 143 and resumes from its checkpoint). Drift ends a task with exit 1, which Cloud Run retries like any failure; a retried attempt in the same execution (CLOUD_RUN_EXECUTION) reports the recorded outcome again, drift included, so no retry turns it into a success; the drift alert is published when found, and every failed attempt raises the backfill alert policy."
  default     = 3

  validation {
    condition     = var.backfill_max_retries >= 0 && var.backfill_max_retries <= 10
    error_message = "backfill_max_retries must be in 0..10."
  }
}

variable "backfill_task_timeout" {
  type        = string
  description = "Timeout of one backfill task (seconds, e.g. 86400s)."
  default     = "86400s"

  validation {
    condition     = can(regex("^[0-9]+s$", var.backfill_task_timeout))
    error_message = "backfill_task_timeout must be written as <seconds>s."
  }
}

variable "backfill_extra_args" {
  type        = list(string)
  description = "Arguments appended after `backfill gs://<bucket>/scenes/`."
  default     = ["--max-rate", "50MB/s"]
}

variable "backfill_resources" {
  type = object({
    cpu    = optional(string, "2")
    memory = optional(string, "2Gi")
  })
  description = "CPU and memory limits of one backfill task."
  default     = {}
}

# ---------------------------------------------------------------------------------------------
# Scheduled sweep (reconcile, freshness, metadata-level audit)
# ---------------------------------------------------------------------------------------------

variable "sweep_enabled" {
  type        = bool
  description = "Deploy the scheduled sweep: a Cloud Run Job running `sweep --bucket <data bucket>` (reconcile of markers whose events were lost, the freshness check, a metadata-level audit), its Cloud Scheduler trigger, its two service accounts and the alert when it has not succeeded for two intervals. It runs the backfill image, so nothing is created while backfill_image is null. Turning it off on a deployment with deletion_protection needs deletion_protection = false first (the job is protected like the backfill's)."
  default     = true
}

variable "sweep_schedule" {
  type        = string
  description = "When Cloud Scheduler starts the sweep: a unix-cron expression (5 fields) in sweep_time_zone. Hourly by default. Keep sweep_interval_minutes equal to the longest gap between two runs (the plan checks it for the usual forms: `M * * * *`, `*/N * * * *`, `M */H * * *`, `M H * * *`)."
  default     = "0 * * * *"

  validation {
    condition     = can(regex("^[0-9*/,-]+( [0-9A-Za-z*/,-]+){4}$", var.sweep_schedule))
    error_message = "sweep_schedule must be a unix-cron expression of 5 space-separated fields, e.g. \"0 * * * *\" (hourly)."
  }
}

variable "sweep_time_zone" {
  type        = string
  description = "Time zone of sweep_schedule (tz database name)."
  default     = "Etc/UTC"

  validation {
    condition     = can(regex("^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$", var.sweep_time_zone))
    error_message = "sweep_time_zone must be a tz database name such as Etc/UTC or Europe/Berlin."
  }
}

variable "sweep_interval_minutes" {
  type        = number
  description = "Minutes between two scheduled sweeps (the longest gap sweep_schedule leaves). The alert policy fires when no sweep succeeded for twice this long; Cloud Monitoring allows a metric-absence window of at most 23.5 hours, hence at most 705."
  default     = 60

  validation {
    condition     = var.sweep_interval_minutes >= 5 && var.sweep_interval_minutes <= 705 && floor(var.sweep_interval_minutes) == var.sweep_interval_minutes
    error_message = "sweep_interval_minutes must be a whole number in 5..705 (twice it is the alert's absence window, at most 23.5 hours)."
  }
}

variable "sweep_task_timeout" {
  type        = string
  description = "Timeout of one sweep attempt (seconds, e.g. 1800s); at most sweep_interval_minutes, so one attempt fits between two runs. A stopped sweep exits 143 with nothing half-written, and its retry resumes."
  default     = "1800s"

  validation {
    condition     = can(regex("^[0-9]+s$", var.sweep_task_timeout)) && try(tonumber(trimsuffix(var.sweep_task_timeout, "s")) >= 60, false)
    error_message = "sweep_task_timeout must be written as <seconds>s, at least 60s."
  }
}

variable "sweep_max_retries" {
  type        = number
  description = "Retries of a failed sweep attempt within one execution (an attempt stopped by SIGTERM or its timeout exits 143 and the retry resumes, skipping what is processed). Exit 1 (scenes or markers that could not be swept) is retried too: Cloud Run cannot tell exit codes apart."
  default     = 2

  validation {
    condition     = var.sweep_max_retries >= 0 && var.sweep_max_retries <= 10 && floor(var.sweep_max_retries) == var.sweep_max_retries
    error_message = "sweep_max_retries must be a whole number in 0..10."
  }
}

variable "sweep_resources" {
  type = object({
    cpu    = optional(string, "1")
    memory = optional(string, "1Gi")
  })
  description = "CPU and memory limits of the sweep task. Sized like the marker function by default: a re-driven marker is evaluated (and its assets verified) as a delivery would be."
  default     = {}
}

variable "sweep_extra_args" {
  type        = list(string)
  description = "Arguments appended after `sweep --bucket <data bucket>`."
  default     = []
}

variable "freshness_deadlines" {
  type = object({
    running = optional(string, "PT6H")
    waiting = optional(string, "PT24H")
    stages  = optional(map(string), {})
  })
  description = "Deadlines of the sweep's freshness check (DESIGN, Deadlines), ISO-8601 durations: a stage `running` longer than `running` (SLA_RUNNING) or `waiting` longer than `waiting` (SLA_WAITING) raises a freshness alert; `stages` overrides both for one stage, keyed by its name (e.g. { geniesim_export = \"PT12H\" } sets SLA_GENIESIM_EXPORT)."
  default     = {}

  validation {
    condition = alltrue([for d in concat([var.freshness_deadlines.running, var.freshness_deadlines.waiting], values(var.freshness_deadlines.stages)) :
      can(regex("^P([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+S)?)?$", d)) && !endswith(d, "T") && d != "P" && can(regex("[1-9]", d))
    ])
    error_message = "freshness_deadlines: every deadline must be a positive ISO-8601 duration of days, hours, minutes or seconds, e.g. PT6H, P2D, P1DT12H."
  }

  validation {
    condition     = alltrue([for stage in keys(var.freshness_deadlines.stages) : contains(["source_image", "regen3d", "variation_assets", "usd", "geniesim_export", "episodes", "geniesim_import", "dwm"], stage)])
    error_message = "freshness_deadlines.stages: keys must be stage names: source_image, regen3d, variation_assets, usd, geniesim_export, episodes, geniesim_import or dwm."
  }
}

variable "legacy_pubsub_token_creator" {
  type        = bool
  description = "Grant the Pub/Sub service agent Service Account Token Creator on the two trigger service accounts (needed only in projects whose Pub/Sub service agent was created on or before 2021-04-08)."
  default     = false
}

# ---------------------------------------------------------------------------------------------
# Monitoring
# ---------------------------------------------------------------------------------------------

variable "notification_channels" {
  type        = list(string)
  description = "Existing Cloud Monitoring notification channel IDs (projects/P/notificationChannels/N) the alert policies notify."
  default     = []

  validation {
    condition     = alltrue([for c in var.notification_channels : can(regex("^projects/[^/]+/notificationChannels/[^/]+$", c))])
    error_message = "notification_channels must be full channel names: projects/P/notificationChannels/N."
  }
}

variable "alert_emails" {
  type        = list(string)
  description = "E-mail addresses that get a notification channel of their own for the alert policies."
  default     = []

  validation {
    condition     = alltrue([for e in var.alert_emails : can(regex("^[^@ ]+@[^@ ]+\\.[^@ ]+$", e))])
    error_message = "alert_emails must be e-mail addresses."
  }
}
