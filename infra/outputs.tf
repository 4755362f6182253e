output "http_function_urls" {
  description = "URL of every HTTP function of functions.yaml, by function name (what the platform and the Slack app are configured with)."
  value = {
    for name, f in local.http_functions : name => google_cloudfunctions2_function.function[name].service_config[0].uri
  }
}

output "functions_service_account" {
  description = "Service account the functions run as."
  value       = google_service_account.functions.email
}

output "pubsub_topics" {
  description = "Pub/Sub topics of the manifest, by name."
  value       = { for name, t in google_pubsub_topic.topic : name => t.id }
}

output "secret_ids" {
  description = "Secret Manager secrets to fill (gcloud secrets versions add), by environment variable."
  value       = { for env, s in google_secret_manager_secret.runtime : env => s.secret_id }
}
