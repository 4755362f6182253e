"""Decoders, one module per source: Firestore events, Pub/Sub pushes, the platform webhook, Slack."""

from collections.abc import Mapping

from werkzeug.datastructures import Headers

# A request's headers: functions-framework hands over werkzeug's case-insensitive Headers;
# tests and tools may pass a plain mapping.
RequestHeaders = Mapping[str, str] | Headers
