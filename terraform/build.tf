# What builds run as and where their images go: the module's own Artifact Registry repository
# (function images, and the backfill image of the repository's Dockerfile) and a build service
# account that may do only what a build needs.
#
# Since July 2024 new projects no longer give the Compute Engine default service account the
# rights a build needs, and without the Compute API it may not exist at all; Cloud Run functions
# then fail to build ("Custom Service Account for Cloud Build", Cloud Run functions docs: the
# build account needs roles/logging.logWriter, roles/artifactregistry.writer on the repository it
# pushes to, roles/storage.objectViewer on the source). build_config.service_account and
# build_config.docker_repository point the function builds at these two.

resource "google_artifact_registry_repository" "images" {
  project       = var.project_id
  location      = var.region
  repository_id = "${var.name_prefix}-images"
  format        = "DOCKER"
  description   = "scenegate: function images built by Cloud Functions and the backfill job image."
  labels        = local.labels

  # Function builds push a new image per deploy; keep the recent ones.
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 10
    }
  }
  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      older_than = "2592000s" # 30 days; the KEEP policy wins for the 10 most recent
    }
  }

  depends_on = [time_sleep.apis_propagate]
}

resource "google_service_account" "build" {
  count = var.build_service_account_email == null ? 1 : 0

  project      = var.project_id
  account_id   = "${var.name_prefix}-build"
  display_name = "scenegate builds"
  description  = "Cloud Build identity of the function builds and the backfill image build: writes build logs, pushes to the scenegate image repository, reads the source bucket."

  depends_on = [time_sleep.apis_propagate]
}

locals {
  build_service_account_email = var.build_service_account_email != null ? var.build_service_account_email : google_service_account.build[0].email
  build_service_account_id    = "projects/${var.project_id}/serviceAccounts/${local.build_service_account_email}"
  # <region>-docker.pkg.dev/<project>/<repository>: where images of this module are pushed.
  image_repository = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}

# Build logs: Cloud Logging has no narrower scope than the project for writing log entries.
resource "google_project_iam_member" "build_writes_logs" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = "serviceAccount:${local.build_service_account_email}"
}

resource "google_artifact_registry_repository_iam_member" "build_pushes_images" {
  project    = var.project_id
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.writer"
  member     = "serviceAccount:${local.build_service_account_email}"
}

resource "google_storage_bucket_iam_member" "build_reads_source" {
  bucket = local.source_bucket_name
  role   = "roles/storage.objectViewer"
  member = "serviceAccount:${local.build_service_account_email}"
}
