# Log-based metrics: counts of the structured log lines the product writes (shared/devplan/logs.py,
# one JSON object per line on stdout; Cloud Run turns each into a LogEntry with the fields under
# jsonPayload, `severity` lifted out, and resource cloud_run_revision with service_name = the
# function's name). alerts.tf alerts on them.
#
# Each filter uses only `field="value"`, `field:*` (has the field), `field:"text"`, `severity>=X`,
# AND and NOT, and tests/unit/test_alerts.py evaluates every one against the log lines the product
# code really writes: change a log line's fields and that test fails.

locals {
  log_metrics = {
    # Something failed that nobody expected (not a dead letter, not a retried transient failure: those
    # are WARNING), per function. Every unexpected failure passes adapters/entry.py, which logs it.
    function_errors = {
      description = "devplan: unexpected failures (severity ERROR, not a dead letter), per function."
      filter      = "resource.type=\"cloud_run_revision\" AND severity>=ERROR AND jsonPayload.logger:\"devplan\" AND NOT jsonPayload.deadLetter:*"
      labels = {
        function = "EXTRACT(resource.labels.service_name)"
      }
    }
    # A dead letter written (or one that could not be written or settled): input set aside for an operator.
    dead_letters = {
      description = "devplan: dead letters written, per function and reason (devplan dead-letters list)."
      filter      = "resource.type=\"cloud_run_revision\" AND severity>=ERROR AND jsonPayload.deadLetter:*"
      labels = {
        function = "EXTRACT(jsonPayload.function)"
        reason   = "EXTRACT(jsonPayload.reason)"
      }
    }
    # The daily outbox sweep found a message still unsent well past its lease (services/outbox_sweep.py).
    outbox_unsent = {
      description = "devplan: outbox messages the daily sweep found unsent past their lease, by what became of them."
      filter      = "resource.type=\"cloud_run_revision\" AND jsonPayload.outboxId:* AND jsonPayload.sweepOutcome:*"
      labels = {
        outcome = "EXTRACT(jsonPayload.sweepOutcome)"
      }
    }
    # A day's work done: a chunk of employees finished, or the tick found a day off.
    tick_progress = {
      description = "devplan: daily tick progress (a chunk of employees done, or a day off)."
      filter      = "resource.type=\"cloud_run_revision\" AND jsonPayload.tickStage:*"
      labels = {
        stage = "EXTRACT(jsonPayload.tickStage)"
      }
    }
    # Slack answered 429 (rate limited) or 5xx, whether or not the client's retry then got through.
    slack_errors = {
      description = "devplan: Slack Web API answers 429 or 5xx, per method and status."
      filter      = "resource.type=\"cloud_run_revision\" AND jsonPayload.slackStatus:*"
      labels = {
        method = "EXTRACT(jsonPayload.slackMethod)"
        status = "EXTRACT(jsonPayload.slackStatus)"
      }
    }
  }
}

resource "google_logging_metric" "devplan" {
  for_each = local.log_metrics

  project     = var.project_id
  name        = "devplan/${each.key}"
  description = each.value.description
  filter      = each.value.filter

  metric_descriptor {
    metric_kind = "DELTA"
    value_type  = "INT64"
    unit        = "1"

    dynamic "labels" {
      for_each = each.value.labels
      content {
        key        = labels.key
        value_type = "STRING"
      }
    }
  }

  label_extractors = each.value.labels

  depends_on = [google_project_service.api]
}
