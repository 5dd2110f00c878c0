terraform {
  # 1.5: strcontains() in validations; optional() object attributes with defaults (1.3).
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
    # time_sleep: waits for API enablement and IAM grants to propagate on a fresh project.
    time = {
      source  = "hashicorp/time"
      version = "~> 0.13"
    }
  }
}
