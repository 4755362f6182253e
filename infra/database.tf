# The one store of everyone's plan, owned by Terraform: point-in-time recovery (any minute of the
# last 7 days can be read back), delete protection, and two backup schedules (daily, kept
# var.backup_retention_days; weekly, kept var.weekly_backup_retention_days).
#
# A project that already has the database adopts it without losing anything (infra/README.md):
#   terraform -chdir=infra import google_firestore_database.plans 'projects/PROJECT/databases/(default)'
# after which `apply` only turns on what is off (PITR, delete protection) and adds the schedules.
#
# The TTL policy and the index (main.tf) and the triggers name the database through this resource,
# so Terraform creates it before them. A restore goes to a NEW database (backups and PITR clones
# cannot overwrite a live one): see the README's runbook for switching to it.

resource "google_firestore_database" "plans" {
  project     = var.project_id
  name        = var.firestore_database
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"

  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = "DELETE_PROTECTION_ENABLED"
  # `terraform destroy` forgets the database instead of deleting it (the delete protection
  # above would refuse anyway): the plans outlive any mistake in this folder.
  deletion_policy = "ABANDON"

  lifecycle {
    prevent_destroy = true
  }

  depends_on = [google_project_service.api]
}

resource "google_firestore_backup_schedule" "daily" {
  project   = var.project_id
  database  = google_firestore_database.plans.name
  retention = "${var.backup_retention_days * 86400}s"

  daily_recurrence {}
}

# Kept longer: a mistake noticed weeks later (a quarter's cycle records, say) can still be undone.
resource "google_firestore_backup_schedule" "weekly" {
  project   = var.project_id
  database  = google_firestore_database.plans.name
  retention = "${var.weekly_backup_retention_days * 86400}s"

  weekly_recurrence {
    day = "SUNDAY"
  }
}
