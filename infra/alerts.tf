# Alerts on what matters, each on a log-based metric of log_metrics.tf, each pointing at the
# README's runbook section that says what it means and what to do. Notifications go to an e-mail
# address and/or a Slack channel (var.alert_email, var.alert_slack_channel): at least one.

locals {
  notification_channels = concat(
    google_monitoring_notification_channel.email[*].id,
    google_monitoring_notification_channel.slack[*].id,
  )

  # Threshold alerts: metric > threshold within window, one incident per group.
  threshold_alerts = {
    function_errors = {
      title     = "devplan: a function fails unexpectedly"
      runbook   = "Function errors"
      window    = "300s"
      threshold = 0
      group_by  = ["metric.label.function"]
    }
    dead_letters = {
      title     = "devplan: dead letters written"
      runbook   = "Dead letters"
      window    = "300s"
      threshold = 0
      group_by  = ["metric.label.function"]
    }
    outbox_unsent = {
      title     = "devplan: outbox messages unsent past their lease"
      runbook   = "Outbox messages unsent"
      window    = "300s"
      threshold = 0
      group_by  = ["metric.label.outcome"]
    }
    slack_errors = {
      title     = "devplan: Slack answers 429/5xx"
      runbook   = "Slack rate limits and errors"
      window    = "600s"
      threshold = var.slack_error_threshold
      group_by  = []
    }
  }
}

resource "google_monitoring_notification_channel" "email" {
  count = var.alert_email == "" ? 0 : 1

  project      = var.project_id
  display_name = "devplan alerts (e-mail)"
  type         = "email"
  labels = {
    email_address = var.alert_email
  }

  depends_on = [google_project_service.api]
}

resource "google_monitoring_notification_channel" "slack" {
  count = var.alert_slack_channel == "" ? 0 : 1

  project      = var.project_id
  display_name = "devplan alerts (Slack ${var.alert_slack_channel})"
  type         = "slack"
  labels = {
    channel_name = var.alert_slack_channel
  }
  sensitive_labels {
    auth_token = var.alert_slack_auth_token
  }

  depends_on = [google_project_service.api]
}

resource "google_monitoring_alert_policy" "threshold" {
  for_each = local.threshold_alerts

  project               = var.project_id
  display_name          = each.value.title
  combiner              = "OR"
  notification_channels = local.notification_channels

  conditions {
    display_name = each.value.title
    condition_threshold {
      filter          = "metric.type=\"logging.googleapis.com/user/${google_logging_metric.devplan[each.key].name}\" AND resource.type=\"cloud_run_revision\""
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.threshold
      duration        = "0s"
      aggregations {
        alignment_period     = each.value.window
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = each.value.group_by
      }
      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "See the README's runbook, section \"${each.value.runbook}\": what it means, `devplan stuck`, and how to replay or discard."
  }

  lifecycle {
    precondition {
      condition     = length(local.notification_channels) > 0
      error_message = "Alerts need somewhere to go: set alert_email and/or alert_slack_channel."
    }
  }
}

# No day finished for 26 hours: no chunk of employees done and no day off logged. The daily tick
# did not run (the schedule is paused or failing), failed, or every chunk failed. (A metric-absence
# condition cannot look back further than 23.5 hours, and a daily job's points are 24 hours apart;
# PromQL's absent_over_time can.) Single chunks that fail are function errors or dead letters.
resource "google_monitoring_alert_policy" "tick_unfinished" {
  project               = var.project_id
  display_name          = "devplan: the daily tick did not finish"
  combiner              = "OR"
  notification_channels = local.notification_channels

  conditions {
    display_name = "no tick progress for 26 hours"
    condition_prometheus_query_language {
      query               = "absent_over_time(logging_googleapis_com:${replace(replace("user/${google_logging_metric.devplan["tick_progress"].name}", "/", "_"), ".", "_")}[26h])"
      duration            = "0s"
      evaluation_interval = "300s"
    }
  }

  alert_strategy {
    auto_close = "86400s"
  }

  documentation {
    mime_type = "text/markdown"
    content   = "See the README's runbook, section \"The daily tick did not finish\": `devplan schedule status`, `devplan tick --as-of DAY`."
  }

  lifecycle {
    precondition {
      condition     = length(local.notification_channels) > 0
      error_message = "Alerts need somewhere to go: set alert_email and/or alert_slack_channel."
    }
  }
}
