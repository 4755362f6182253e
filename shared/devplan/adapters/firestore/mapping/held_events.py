"""Platform events held until their employee exists ↔ heldEvents/{eventId}."""

from __future__ import annotations

import json
from datetime import datetime

from devplan.adapters.firestore.mapping.common import HELD, Document, compact
from devplan.errors import UnusableRecord
from devplan.services.held_events import HeldEvent
from devplan.services.inputs import PlatformEvent


def held_document(event: PlatformEvent, employee_id: str, received: datetime) -> Document:
    # `data` as the platform sent it, kept as JSON text: any JSON the platform sends fits (a
    # Firestore map refuses nested arrays and some keys), and it is handed back unchanged.
    return {
        "eventId": event.id,  # the document id is the event id escaped (common.document_id)
        "type": event.type,
        "occurredAt": event.occurred_at,
        "data": json.dumps(event.data, ensure_ascii=False, sort_keys=True),
        "employeeId": employee_id,
        "deliveryId": event.delivery_id,
        "received": received,
    }


def held_event_from(doc_id: str, doc: Document) -> HeldEvent:
    try:
        event_id = doc.get("eventId") or doc_id
        data = json.loads(doc["data"])
        if not isinstance(data, dict):
            raise TypeError("data is not a JSON object")
        event = PlatformEvent(event_id, doc["type"], doc["occurredAt"], data, doc.get("deliveryId") or "")
        return HeldEvent(event, doc["employeeId"], doc["received"], doc.get("problem"))
    except (KeyError, TypeError, ValueError) as exc:
        raise UnusableRecord(f"{HELD}/{doc_id} is not a usable held event: {exc!r}") from None


def held_problem_update(problem: str, at: datetime) -> Document:
    return compact({"problem": problem, "problemAt": at})
