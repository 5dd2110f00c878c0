# Buckets. Every bucket this module creates has uniform bucket-level access (no object ACLs),
# enforced public access prevention, and versioning where the data matters.

locals {
  bucket_location = upper(coalesce(var.bucket_location, var.region))

  data_bucket_name = var.create_data_bucket ? google_storage_bucket.data[0].name : data.google_storage_bucket.existing_data[0].name
  # Eventarc Cloud Storage triggers must live where the bucket lives (region or multi-region).
  data_bucket_location = var.create_data_bucket ? google_storage_bucket.data[0].location : data.google_storage_bucket.existing_data[0].location

  # A bucket of its own by default: state writes in the data bucket would each invoke the marker.
  separate_state_bucket    = !var.state_in_data_bucket
  wanted_state_bucket_name = coalesce(var.state_bucket_name, "${var.project_id}-${var.name_prefix}-state")
  state_bucket_name        = !local.separate_state_bucket ? local.data_bucket_name : (var.create_state_bucket ? google_storage_bucket.state[0].name : data.google_storage_bucket.existing_state[0].name)

  wanted_source_bucket_name = coalesce(var.source_bucket_name, "${var.project_id}-${var.name_prefix}-src")
  source_bucket_name        = var.create_source_bucket ? google_storage_bucket.source[0].name : data.google_storage_bucket.existing_source[0].name

  jar_path = startswith(var.function_jar_path, "/") ? var.function_jar_path : "${path.module}/${var.function_jar_path}"
}

resource "google_storage_bucket" "data" {
  count = var.create_data_bucket ? 1 : 0

  project                     = var.project_id
  name                        = var.data_bucket_name
  location                    = local.bucket_location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.bucket_force_destroy
  labels                      = local.labels

  # Versioning keeps what an overwrite replaced: assets under audit and every state document.
  versioning {
    enabled = true
  }

  dynamic "lifecycle_rule" {
    for_each = var.noncurrent_version_retention_days > 0 ? [var.noncurrent_version_retention_days] : []
    content {
      condition {
        days_since_noncurrent_time = lifecycle_rule.value
        with_state                 = "ARCHIVED"
      }
      action {
        type = "Delete"
      }
    }
  }

  dynamic "encryption" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      default_kms_key_name = encryption.value
    }
  }

  # The service agent must be able to use the key before the bucket refers to it.
  depends_on = [google_kms_crypto_key_iam_member.gcs_agent_cmek, time_sleep.apis_propagate]
}

resource "google_storage_bucket" "state" {
  count = local.separate_state_bucket && var.create_state_bucket ? 1 : 0

  project                     = var.project_id
  name                        = local.wanted_state_bucket_name
  location                    = local.bucket_location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.bucket_force_destroy
  labels                      = local.labels

  versioning {
    enabled = true
  }

  dynamic "lifecycle_rule" {
    for_each = var.noncurrent_version_retention_days > 0 ? [var.noncurrent_version_retention_days] : []
    content {
      condition {
        days_since_noncurrent_time = lifecycle_rule.value
        with_state                 = "ARCHIVED"
      }
      action {
        type = "Delete"
      }
    }
  }

  dynamic "encryption" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]
    content {
      default_kms_key_name = encryption.value
    }
  }

  depends_on = [google_kms_crypto_key_iam_member.gcs_agent_cmek, time_sleep.apis_propagate]
}

# Existing buckets are not changed, but they must be as private as the ones this module creates.
data "google_storage_bucket" "existing_data" {
  count = var.create_data_bucket ? 0 : 1
  name  = var.data_bucket_name

  lifecycle {
    postcondition {
      condition     = self.uniform_bucket_level_access == true && self.public_access_prevention == "enforced"
      error_message = "The existing data bucket must have uniform bucket-level access and public access prevention enforced (gcloud storage buckets update gs://BUCKET --uniform-bucket-level-access --public-access-prevention)."
    }
  }
}

data "google_storage_bucket" "existing_state" {
  count = local.separate_state_bucket && !var.create_state_bucket ? 1 : 0
  name  = local.wanted_state_bucket_name

  lifecycle {
    postcondition {
      condition     = self.uniform_bucket_level_access == true && self.public_access_prevention == "enforced"
      error_message = "The existing state bucket must have uniform bucket-level access and public access prevention enforced."
    }
  }
}

# Function source. Cloud Functions builds Java from a zip that holds the shaded jar.
resource "google_storage_bucket" "source" {
  count = var.create_source_bucket ? 1 : 0

  project                     = var.project_id
  name                        = local.wanted_source_bucket_name
  location                    = local.bucket_location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true # holds only build inputs that Terraform can re-upload
  labels                      = local.labels

  # Keeps an overwritten build input for a while (objects are named after the jar's hash, so
  # overwrites are rare); noncurrent versions go after 7 days.
  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 7
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [time_sleep.apis_propagate]
}

data "google_storage_bucket" "existing_source" {
  count = var.create_source_bucket ? 0 : 1
  name  = local.wanted_source_bucket_name

  lifecycle {
    precondition {
      condition     = var.source_bucket_name != null
      error_message = "create_source_bucket = false needs source_bucket_name: the existing bucket to upload the function source to."
    }
    postcondition {
      condition     = self.uniform_bucket_level_access == true && self.public_access_prevention == "enforced"
      error_message = "The existing source bucket must have uniform bucket-level access and public access prevention enforced."
    }
  }
}

data "archive_file" "function_source" {
  type        = "zip"
  source_file = local.jar_path
  output_path = "${path.module}/.build/scenegate-functions.zip"
}

resource "google_storage_bucket_object" "function_source" {
  # Named after the jar's own SHA-256 (zip metadata plays no part): a changed jar gets a new
  # object and the functions are rebuilt; an unchanged jar leaves plan empty.
  name         = "functions/scenegate-${filesha256(local.jar_path)}.zip"
  bucket       = local.source_bucket_name
  source       = data.archive_file.function_source.output_path
  content_type = "application/zip"
}
