# Everything the product runs on Google Cloud, built from ONE manifest: functions.yaml.
#
# No function, topic or schedule is named in this file: each comes from the manifest through
# for_each. Adding a function or a schedule is an edit of functions.yaml (and functions/main.py),
# never of Terraform. tests/unit/test_infra.py keeps it that way.

locals {
  manifest = yamldecode(file("${path.module}/functions.yaml"))

  region           = coalesce(var.region, local.manifest.region)
  scheduler_region = coalesce(var.scheduler_region, local.region)

  labels = {
    app        = "devplan"
    managed-by = "terraform"
  }

  # One entry per manifest function, every trigger kind flattened into the same attributes.
  # trigger has exactly one key: http | firestore | pubsub (one() fails on more).
  functions = {
    for f in local.manifest.functions : f.name => {
      entry_point  = f.entry_point
      description  = try(f.description, "")
      kind         = one(keys(f.trigger))
      retry_policy = try(f.retry, false) ? "RETRY_POLICY_RETRY" : "RETRY_POLICY_DO_NOT_RETRY"
      document     = try(f.trigger.firestore.document, null)
      event_type   = try(f.trigger.firestore.event_type, null)
      topic        = try(f.trigger.pubsub.topic, null)
      # Resources (functions.yaml explains each; pacing and cold-start choices live there).
      memory          = f.memory
      cpu             = f.cpu
      timeout_seconds = f.timeout_seconds
      max_instances   = f.max_instances
      min_instances   = f.min_instances
      concurrency     = f.concurrency
    }
  }

  http_functions = { for name, f in local.functions : name => f if f.kind == "http" }

  schedules = { for s in try(local.manifest.schedules, []) : s.name => s }

  # Every topic a function listens on or a schedule publishes to.
  topics = {
    for t in distinct(concat(
      [for f in local.functions : f.topic if f.kind == "pubsub"],
      [for s in local.schedules : s.topic],
    )) : t => t
  }

  # Environment variable => Secret Manager secret id.
  secret_ids = {
    DEVPLAN_PLATFORM_SECRET = var.platform_secret_id
    SLACK_SIGNING_SECRET    = var.slack_signing_secret_id
    SLACK_BOT_TOKEN         = var.slack_bot_token_id
  }

  apis = [
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com",
    "eventarc.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
  ]
}

resource "google_project_service" "api" {
  for_each = toset(local.apis)

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

# --- Identities -------------------------------------------------------------------------------

# What the functions run as: Firestore, publishing to Pub/Sub, reading the three secrets.
resource "google_service_account" "functions" {
  project      = var.project_id
  account_id   = "devplan-functions"
  display_name = "devplan Cloud Functions runtime"
}

resource "google_project_iam_member" "functions" {
  for_each = toset(["roles/datastore.user", "roles/pubsub.publisher"])

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.functions.email}"
}

# What Eventarc (Firestore and Pub/Sub triggers) uses to deliver events to the functions.
resource "google_service_account" "triggers" {
  project      = var.project_id
  account_id   = "devplan-triggers"
  display_name = "devplan Eventarc triggers"
}

resource "google_project_iam_member" "triggers" {
  for_each = toset(["roles/eventarc.eventReceiver", "roles/run.invoker"])

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.triggers.email}"
}

# --- Secrets ----------------------------------------------------------------------------------

# Terraform owns the secrets, not their values: add versions with
#   gcloud secrets versions add <secret id> --data-file=-
resource "google_secret_manager_secret" "runtime" {
  for_each = local.secret_ids

  project   = var.project_id
  secret_id = each.value
  labels    = local.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.api]
}

resource "google_secret_manager_secret_iam_member" "runtime_access" {
  for_each = local.secret_ids

  project   = var.project_id
  secret_id = google_secret_manager_secret.runtime[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.functions.email}"
}

# --- Pub/Sub and Cloud Scheduler --------------------------------------------------------------

resource "google_pubsub_topic" "topic" {
  #checkov:skip=CKV_GCP_83:Google-managed encryption is enough for ticks that carry no personal data.
  for_each = local.topics

  project = var.project_id
  name    = each.key
  labels  = local.labels

  depends_on = [google_project_service.api]
}

# Each schedule publishes its payload (JSON) to its topic; a pubsub function picks it up.
resource "google_cloud_scheduler_job" "schedule" {
  for_each = local.schedules

  project     = var.project_id
  region      = local.scheduler_region
  name        = each.key
  description = try(each.value.description, "")
  schedule    = each.value.cron
  time_zone   = each.value.time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.topic[each.value.topic].id
    data       = base64encode(jsonencode(try(each.value.payload, {})))
  }

  depends_on = [google_project_service.api]
}

# --- Firestore --------------------------------------------------------------------------------

# The idempotency ledger: entries carry expireAt, Firestore's TTL policy deletes them after it.
resource "google_firestore_field" "processed_events_ttl" {
  project    = var.project_id
  database   = google_firestore_database.plans.name
  collection = "processedEvents"
  field      = "expireAt"

  ttl_config {}

  # Never queried: no single-field indexes (cheaper writes, no TTL index hot-spotting).
  index_config {}

  depends_on = [google_project_service.api]
}

# The outbox sweep asks for unfinished messages by state and age (services/outbox_sweep.py).
resource "google_firestore_index" "outbox_unfinished" {
  project    = var.project_id
  database   = google_firestore_database.plans.name
  collection = "outbox"

  fields {
    field_path = "state"
    order      = "ASCENDING"
  }
  fields {
    field_path = "createdAt"
    order      = "ASCENDING"
  }

  depends_on = [google_project_service.api]
}

# --- Functions --------------------------------------------------------------------------------

resource "google_cloudfunctions2_function" "function" {
  for_each = local.functions

  project     = var.project_id
  location    = local.region
  name        = each.key
  description = each.value.description
  labels      = local.labels

  build_config {
    runtime     = local.manifest.runtime
    entry_point = each.value.entry_point

    source {
      storage_source {
        bucket = var.source_bucket
        object = var.source_object
      }
    }
  }

  service_config {
    # From the manifest, per function: max_instance_count × max_instance_request_concurrency is
    # the bound of requests at once (for the sender: of concurrent Slack calls).
    available_memory                 = each.value.memory
    available_cpu                    = each.value.cpu
    timeout_seconds                  = each.value.timeout_seconds
    max_instance_count               = each.value.max_instances
    min_instance_count               = each.value.min_instances
    max_instance_request_concurrency = each.value.concurrency
    service_account_email          = google_service_account.functions.email
    all_traffic_on_latest_revision = true
    # Slack and the platform reach HTTP functions from the internet; events come from Eventarc.
    ingress_settings = each.value.kind == "http" ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"

    environment_variables = {
      GOOGLE_CLOUD_PROJECT          = var.project_id
      DEVPLAN_MAX_EVENT_AGE_SECONDS = tostring(var.max_event_age_seconds)
      DEVPLAN_FIRESTORE_DATABASE    = google_firestore_database.plans.name
    }

    dynamic "secret_environment_variables" {
      for_each = local.secret_ids
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = google_secret_manager_secret.runtime[secret_environment_variables.key].secret_id
        version    = "latest"
      }
    }
  }

  # kind == "http": no event_trigger; public invocation below (google_cloud_run_service_iam_member.public_http).

  # kind == "firestore": document events. 2nd-gen Firestore triggers must be in the database's location.
  dynamic "event_trigger" {
    for_each = each.value.kind == "firestore" ? [each.value] : []
    content {
      event_type            = event_trigger.value.event_type
      trigger_region        = var.firestore_location
      retry_policy          = event_trigger.value.retry_policy
      service_account_email = google_service_account.triggers.email

      event_filters {
        attribute = "database"
        value     = google_firestore_database.plans.name
      }

      event_filters {
        attribute = "document"
        value     = event_trigger.value.document
        operator  = "match-path-pattern"
      }
    }
  }

  # kind == "pubsub": messages on a topic of the manifest (the schedules' ticks among them).
  dynamic "event_trigger" {
    for_each = each.value.kind == "pubsub" ? [each.value] : []
    content {
      event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
      pubsub_topic          = google_pubsub_topic.topic[event_trigger.value.topic].id
      trigger_region        = local.region
      retry_policy          = event_trigger.value.retry_policy
      service_account_email = google_service_account.triggers.email
    }
  }

  lifecycle {
    precondition {
      condition     = contains(["http", "firestore", "pubsub"], each.value.kind)
      error_message = "functions.yaml: trigger kind '${each.value.kind}' of '${each.key}' is not http, firestore or pubsub."
    }
    precondition {
      condition     = each.value.kind != "firestore" || (each.value.document != null && each.value.event_type != null)
      error_message = "functions.yaml: firestore trigger of '${each.key}' needs document and event_type."
    }
    precondition {
      condition     = each.value.kind != "pubsub" || each.value.topic != null
      error_message = "functions.yaml: pubsub trigger of '${each.key}' needs a topic."
    }
    precondition {
      condition     = each.value.concurrency == 1 || tonumber(each.value.cpu) >= 1
      error_message = "functions.yaml: '${each.key}' takes more than one request at once, which needs cpu >= 1."
    }
    precondition {
      condition     = each.value.kind == "http" || each.value.timeout_seconds <= 540
      error_message = "functions.yaml: event function '${each.key}' may run 540 s at most."
    }
  }

  depends_on = [
    google_project_service.api,
    google_project_iam_member.functions,
    google_project_iam_member.triggers,
    google_secret_manager_secret_iam_member.runtime_access,
  ]
}

# HTTP functions are public: Slack and the platform call them, and every request's signature
# is verified in code (DEVPLAN_PLATFORM_SECRET, SLACK_SIGNING_SECRET) before anything happens.
resource "google_cloud_run_service_iam_member" "public_http" {
  #checkov:skip=CKV_GCP_102:Public on purpose: Slack and the platform call these; requests are signature-checked in code.
  for_each = local.http_functions

  project  = var.project_id
  location = local.region
  service  = google_cloudfunctions2_function.function[each.key].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
