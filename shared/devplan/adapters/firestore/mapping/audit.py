"""Audit entries ↔ audit/{key} (one document per thing recorded, never rewritten)."""

from __future__ import annotations

from devplan.adapters.firestore.mapping.common import Document, compact, document_id
from devplan.domain.audit import AuditEntry

AUDIT = "audit"


def audit_path(key: str) -> str:
    return f"{AUDIT}/{document_id(key)}"


def audit_document(entry: AuditEntry) -> Document:
    return compact(
        {
            "key": entry.key,
            "employeeId": entry.employee_id,
            "kind": entry.kind,
            "action": entry.action,
            "actorId": entry.actor_id,
            "at": entry.at,
            "why": entry.why,
            "detail": dict(entry.detail) or None,
        }
    )


def audit_entry_from(doc: Document) -> AuditEntry:
    return AuditEntry(
        key=doc["key"],
        employee_id=doc["employeeId"],
        kind=doc["kind"],
        action=doc["action"],
        actor_id=doc.get("actorId"),
        at=doc["at"],
        why=doc.get("why"),
        detail=doc.get("detail") or {},
    )
