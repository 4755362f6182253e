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
  description = <<-EOT
    Firestore database id: the database Terraform owns (database.tf), the triggers watch, the TTL
    policy applies to and the functions use (DEVPLAN_FIRESTORE_DATABASE). Changed after a restore
    into a new database to switch everything to it (README, runbook).
  EOT
  type        = string
  default     = "(default)"
}

variable "backup_retention_days" {
  description = "How long each daily backup of the database is kept, in days (Firestore keeps backups up to 14 weeks)."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 98 && floor(var.backup_retention_days) == var.backup_retention_days
    error_message = "backup_retention_days must be a whole number of days from 1 to 98 (14 weeks)."
  }
}

variable "weekly_backup_retention_days" {
  description = "How long each weekly backup (Sundays) is kept, in days: longer than the daily ones."
  type        = number
  default     = 98

  validation {
    condition     = var.weekly_backup_retention_days >= 7 && var.weekly_backup_retention_days <= 98 && floor(var.weekly_backup_retention_days) == var.weekly_backup_retention_days
    error_message = "weekly_backup_retention_days must be a whole number of days from 7 to 98 (14 weeks)."
  }
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

variable "scheduler_region" {
  description = "Region of the Cloud Scheduler jobs. Null: the functions' region."
  type        = string
  default     = null
}

variable "alert_email" {
  description = "E-mail address the alerts go to (alerts.tf). Empty: none; then alert_slack_channel must be set."
  type        = string
  default     = ""
}

variable "alert_slack_channel" {
  description = "Slack channel the alerts go to, e.g. \"#devplan-alerts\" (Cloud Monitoring's Slack app). Empty: none."
  type        = string
  default     = ""
}

variable "alert_slack_auth_token" {
  description = "OAuth token of Cloud Monitoring's Slack app for alert_slack_channel (the console's Slack channel setup gives it)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "slack_error_threshold" {
  description = "Alert when Slack answers 429/5xx more often than this in 10 minutes (the client retries single ones)."
  type        = number
  default     = 10
}
