terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.4"
    }
    time = {
      source  = "hashicorp/time"
      version = "~> 0.13"
    }
  }

  # Keep this environment's Terraform state in a bucket of its own (not the data bucket):
  # backend "gcs" {
  #   bucket = "my-project-tfstate"
  #   prefix = "scenegate/dev"
  # }
}
