"""Goals ↔ the `goals` map of employees/{id} (all quarters' versions), and tallies ↔
employees/{id}/tallies/{source}.

Goals live on the employee's own document: the tick, the 1:1 invite and `/utveckling` read the
employee anyway, and a transaction that changes a goal changes one document. Items written
before goals had SMART fields ({goalId, title, measure, dueDate}, no quarter) read as goals the
platform set and agreed in the quarter of `setOn`.
"""

from __future__ import annotations

from datetime import date, datetime

from devplan.adapters.firestore.mapping.common import EMPLOYEES, Document, compact, day, document_id, iso
from devplan.domain.calendar import Quarter
from devplan.domain.goals import AGREED, PLATFORM, GoalPlan, SmartGoal
from devplan.domain.metrics import MetricItem, Tally
from devplan.domain.smart import Draft, Measure
from devplan.errors import UnusableRecord


def tally_path(employee_id: str, source: str) -> str:
    return f"{EMPLOYEES}/{employee_id}/tallies/{source}"


METRIC_ITEMS = "metricItems"  # whose an item of a live source is, and whether it was cancelled


def metric_item_path(source: str, item_id: str) -> str:
    return f"{METRIC_ITEMS}/{document_id(f'{source}:{item_id}')}"


def metric_item_owner_from(doc: Document | None) -> tuple[str | None, bool]:
    return (None, False) if doc is None else (doc.get("employeeId"), bool(doc.get("cancelled")))


def metric_item_document(source: str, item_id: str, employee_id: str | None, *, cancelled: bool) -> Document:
    return compact({"source": source, "itemId": item_id, "employeeId": employee_id, "cancelled": cancelled})


def goal_plan_from(goals: Document) -> GoalPlan:
    set_on, deadline = day(goals.get("setOn")), day(goals.get("deadline"))
    return GoalPlan(
        deadline=deadline,
        items=tuple(_goal_from(g, set_on or deadline, goals.get("setAt")) for g in goals.get("items") or []),
    )


def _goal_from(doc: Document, set_on: date | None, set_at: datetime | None) -> SmartGoal:
    if "quarter" not in doc:  # written before SMART goals: the platform's, agreed when set
        due = day(doc.get("dueDate"))
        on = set_on or due
        if on is None:
            raise ValueError(f"goal {doc.get('goalId')!r} has no quarter, set day or due date")
        draft = Draft(doc["title"], None, None, None, due, doc.get("measure"))
        return SmartGoal(doc["goalId"], Quarter.of(on), draft, AGREED, PLATFORM, on, on, counts_from=on, set_at=set_at)
    measure = doc.get("measure")
    draft = Draft(
        outcome=doc["title"],
        measure=Measure(
            measure["metric"],
            measure["target"],
            measure.get("baseline", 0),
            measure.get("unit", ""),
            measure.get("source"),
        )
        if measure
        else None,
        plan=doc.get("plan"),
        relevance=doc.get("relevance"),
        due=day(doc.get("dueDate")),
        measure_note=doc.get("measureNote"),
    )
    carried = doc.get("carriedFrom")
    return SmartGoal(
        goal_id=doc["goalId"],
        quarter=Quarter.parse(doc["quarter"]),
        draft=draft,
        status=doc["status"],
        proposed_by=doc["proposedBy"],
        proposed_on=day(doc.get("proposedOn")),
        agreed_on=day(doc.get("agreedOn")),
        progress=doc.get("progress"),
        reached_on=day(doc.get("reachedOn")),
        declined_at=doc.get("declinedAt"),
        achieved_on=day(doc.get("achievedOn")),
        perk=doc.get("perk"),
        carried_from=Quarter.parse(carried) if carried else None,
        counts_from=day(doc.get("countsFrom")),
        change_note=doc.get("changeNote"),
        set_at=doc.get("setAt"),
    )


def goal_plan_document(plan: GoalPlan) -> Document:
    """The whole map (the items list is written whole: a merge replaces a list). `setOn`, written
    before goals had quarters, is read for those old items only."""
    return compact(
        {
            "deadline": iso(plan.deadline),
            "quarter": Quarter.of(plan.deadline).key if plan.deadline else None,
            "items": [_goal_document(g) for g in plan.items] if plan.items else None,
        }
    )


def _goal_document(goal: SmartGoal) -> Document:
    draft, measure = goal.draft, goal.draft.measure
    return compact(
        {
            "goalId": goal.goal_id,
            "quarter": goal.quarter.key,
            "title": draft.outcome,
            "measure": compact(
                {
                    "metric": measure.metric,
                    "target": measure.target,
                    "baseline": measure.baseline,
                    "unit": measure.unit,
                    "source": measure.source,
                }
            )
            if measure
            else None,
            "measureNote": draft.measure_note,
            "plan": draft.plan,
            "relevance": draft.relevance,
            "dueDate": iso(draft.due),
            "status": goal.status,
            "proposedBy": goal.proposed_by,
            "proposedOn": iso(goal.proposed_on),
            "agreedOn": iso(goal.agreed_on),
            "progress": goal.progress,
            "reachedOn": iso(goal.reached_on),
            "declinedAt": goal.declined_at,
            "achievedOn": iso(goal.achieved_on),
            "perk": goal.perk,
            "carriedFrom": goal.carried_from.key if goal.carried_from else None,
            "countsFrom": iso(goal.counts_from),
            "changeNote": goal.change_note,
            "setAt": goal.set_at,
        }
    )


def tally_from(employee_id: str, source: str, doc: Document | None) -> Tally:
    if doc is None:
        return Tally(employee_id, source)
    try:
        items = {
            i["id"]: MetricItem(i["id"], i["amount"], day(i.get("on")), bool(i.get("cancelled")))
            for i in doc.get("items") or []
        }
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # like every record: refused, not retried
        raise UnusableRecord(f"{tally_path(employee_id, source)} is not a usable tally: {exc!r}") from None
    return Tally(employee_id, source, items)


def tally_document(tally: Tally) -> Document:
    """Written whole (merge=False): a list, so item ids need no field-path escaping."""
    return {
        "source": tally.source,
        "count": tally.count(),
        "total": tally.total(),
        "items": [
            compact({"id": i.item_id, "amount": i.amount, "on": iso(i.on), "cancelled": i.cancelled or None})
            for i in sorted(tally.items.values(), key=lambda i: i.item_id)
        ],
    }
