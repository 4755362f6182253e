# Inputs. What is deployed (functions, triggers, schedules) comes from functions.yaml, not from here.

variable "project_id" {
  description = "Google Cloud project to deploy into."
  type        = string
}

variable "region" {
  description = "Region of the functions, topics and scheduler jobs. Null: the manifest's `region`."
  type        = string
  default     = null
}

variable "firestore_location" {
  description = "Location of the Firestore database (for example eur3 or a region). Firestore triggers must live there."
  type        = string
}

variable "firestore_database" {
  description = "Firestore database id that the triggers watch and the TTL policy applies to."
  type        = string
  default     = "(default)"
}

variable "source_bucket" {
  description = "Existing GCS bucket holding the function source zips uploaded by Cloud Build."
  type        = string
}

variable "source_object" {
  description = "Object in source_bucket: the zip of main.py + devplan/ + requirements.txt (devplan-<sha>.zip)."
  type        = string

  validation {
    condition     = endswith(var.source_object, ".zip")
    error_message = "source_object must name a .zip object."
  }
}

variable "platform_secret_id" {
  description = "Secret Manager secret id for DEVPLAN_PLATFORM_SECRET (the platform's webhook signing secret)."
  type        = string
  default     = "devplan-platform-secret"
}

variable "slack_signing_secret_id" {
  description = "Secret Manager secret id for SLACK_SIGNING_SECRET."
  type        = string
  default     = "devplan-slack-signing-secret"
}

variable "slack_bot_token_id" {
  description = "Secret Manager secret id for SLACK_BOT_TOKEN."
  type        = string
  default     = "devplan-slack-bot-token"
}

variable "max_event_age_seconds" {
  description = "DEVPLAN_MAX_EVENT_AGE_SECONDS: events older than this are dropped instead of retried."
  type        = number
  default     = 3600
}

variable "function_memory" {
  description = "Memory of each function instance."
  type        = string
  default     = "256Mi"
}

variable "function_timeout_seconds" {
  description = "Execution timeout of each function."
  type        = number
  default     = 60
}

variable "max_instance_count" {
  description = "Upper bound of instances per function."
  type        = number
  default     = 10
}

variable "scheduler_region" {
  description = "Region of the Cloud Scheduler jobs. Null: the functions' region."
  type        = string
  default     = null
}
