"""HTTP pieces the stand-in's parts share: Slack-shaped JSON answers and a quiet request log."""

from __future__ import annotations

import json

from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Response

OUTAGE_PAGE = (
    "<!DOCTYPE html><html><head><title>Slack is having trouble</title></head><body>"
    "<h1>Slack is having trouble</h1><p>Something went wrong on our end. "
    "Please try again in a few minutes.</p></body></html>"
)


def json_response(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status, headers, content_type="application/json; charset=utf-8")


class QuietHandler(WSGIRequestHandler):
    """Keeps werkzeug's one-line-per-request access log out of test and benchmark output."""

    def log_request(self, *args, **kwargs):
        pass
