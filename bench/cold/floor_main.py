"""The floor of a cold answer from Firestore in Python: functions-framework, the Firestore
client and one document read, nothing of devplan. bench/cold_start.py runs it beside the real
entry points, so what devplan adds on top is visible."""

from typing import Any

import functions_framework


@functions_framework.http
def floor(request: Any) -> tuple[str, int]:
    from google.cloud import firestore

    firestore.Client().document("employees/bo").get()
    return '{"ok": true}', 200
