# Terraform and provider versions, the remote state and the provider.
#
# State lives in a GCS bucket that exists before the first apply (see infra/README.md);
# Cloud Build passes it with `terraform init -backend-config=bucket=... -backend-config=prefix=...`.

terraform {
  required_version = ">= 1.5"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.0, < 7.0"
    }
  }

  backend "gcs" {}
}

provider "google" {
  project = var.project_id
  region  = local.region
}
