"""employee.updated and employee.offboarded end in the same record and audit trail whatever order
they arrive in: facts are kept fact by fact by (occurredAt, then the value: the same whatever the
order), a role and a lead may arrive apart (the record holds what the platform said; a missing
lead waits, as one not onboarded yet does), and what arrives after the offboarding is still
recorded as a fact, waking nobody."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from hypothesis import given, note, settings
from hypothesis import strategies as st

from devplan.domain.employees import ROLES
from devplan.domain.lifecycle import FIELDS
from tests.unit.goal_support import event
from tests.unit.slack_forms_support import ANNA_SLACK
from tests.unit.test_lifecycle import CARL_SLACK, handle, offboarded, team, to, updated

NINE, TEN, ELEVEN = "2025-04-08T09:00:00+02:00", "2025-04-08T10:00:00+02:00", "2025-04-08T11:00:00+02:00"


def end_state(events, who: str = "anna"):
    """The person's record and their audit trail after the events arrive in this order."""
    t = team()
    handle(t, *events)
    audit = {k: v for k, v in t.store.collection("audit").items() if v["employeeId"] == who}
    return t.store.docs[f"employees/{who}"], audit, t


def same_in_every_order(*events, who: str = "anna"):
    ends = [end_state(order, who)[:2] for order in itertools.permutations(events)]
    assert all(end == ends[0] for end in ends[1:])
    return ends[0]


def test_a_role_that_needs_a_lead_arriving_before_the_lead_ends_as_in_order():
    lead = event("employee.updated", {"employeeId": "bo", "leadId": "carl"}, at=NINE)
    role = event("employee.updated", {"employeeId": "bo", "role": "developer"}, at=TEN)
    doc, _ = same_in_every_order(lead, role, who="bo")
    assert (doc["role"], doc["leadId"]) == ("developer", "carl")


def test_a_lead_removed_before_the_role_without_one_arrives_ends_as_in_order():
    role, no_lead = updated(at=NINE, role="project_lead"), updated(at=TEN, leadId=None)
    doc, _ = same_in_every_order(role, no_lead)
    assert (doc["role"], doc.get("leadId")) == ("project_lead", None)


def test_a_developer_left_without_a_lead_for_now_is_kept_and_what_needs_the_lead_waits():
    doc, audit, t = end_state([updated(at=TEN, leadId=None)])
    assert doc.get("leadId") is None and doc["role"] == "developer"
    assert [v["action"] for v in audit.values()] == ["lead_changed"]
    assert not any(k.startswith("lead-changed:anna:") for k in to(t, CARL_SLACK))


def test_two_updates_at_the_same_moment_end_the_same_whatever_arrives_first():
    doc, _ = same_in_every_order(updated(at=NINE, name="Anna A"), updated(at=NINE, name="Anna B"))
    assert doc["name"] == "Anna B"  # the same moment: the greater value, as time off's tiebreak


def test_an_update_older_than_the_offboarding_arriving_after_it_is_recorded_and_wakes_nobody():
    update, leaving = updated(at=NINE, name="Anna Berg", leadId="carl"), offboarded(at=TEN)
    doc, audit, t = end_state([leaving, update])
    in_order = end_state([update, leaving])
    assert (doc, _comparable(audit)) == (in_order[0], _comparable(in_order[1]))
    assert doc["status"] == "offboarded" and (doc["name"], doc["leadId"]) == ("Anna Berg", "carl")
    assert not to(t, CARL_SLACK) and not to(t, ANNA_SLACK)  # no new lead taking over someone who left


def test_the_history_reads_the_same_whatever_order_the_changes_came_in():
    changes = [updated(at=NINE, role="coach"), updated(at=TEN, role="coach"), updated(at=ELEVEN, leadId="carl")]
    shown = [
        end_state(order)[2].command(CARL_SLACK, f"historik <@{ANNA_SLACK}>")["text"]
        for order in (changes, changes[::-1])
    ]
    assert shown[0] == shown[1]
    assert shown[0].count("Ny roll: coach (tidigare developer)") == 1  # ten o'clock's said it again
    assert "Ny närmaste chef: carl (tidigare bo)" in shown[0]


# --- any set of updates and an offboarding, any order, any duplicates ---------------------------

_VALUES = {
    "name": st.sampled_from(["Anna Lindqvist", "Anna Berg", "Anna Lind"]),
    "email": st.sampled_from(["anna@innerjourney.se", "anna.berg@innerjourney.se"]),
    "role": st.sampled_from(ROLES),
    "leadId": st.sampled_from(["bo", "carl", None]),  # None: a developer may wait for their lead
}
_changes = st.sets(st.sampled_from(FIELDS), min_size=1).flatmap(
    lambda named: st.fixed_dictionaries({k: _VALUES[k] for k in sorted(named)})
)


@st.composite
def deliveries(draw):
    """Updates at times that may coincide, maybe an offboarding among them, and the order the
    platform delivers them in: shuffled, some more than once."""
    at = [
        datetime.fromisoformat(NINE) + timedelta(minutes=m)
        for m in draw(st.lists(st.integers(0, 4), min_size=1, max_size=5))
    ]
    events = [updated(at=a.isoformat(), **draw(_changes)) for a in at]
    if draw(st.booleans()):
        left = datetime.fromisoformat(NINE) + timedelta(minutes=draw(st.integers(0, 4)))
        events.append(offboarded(at=left.isoformat()))
    again = draw(st.lists(st.sampled_from(events), max_size=3))
    return events, draw(st.permutations(events + again))


def _comparable(audit: dict) -> dict:
    """The trail; how many pending messages the offboarding cancelled depends on what was still
    pending when it came (what an update sent while they were active), so it is left out."""
    return {k: {**v, "detail": None} if v["action"] == "offboarded" else v for k, v in audit.items()}


@settings(max_examples=150, deadline=None)
@given(deliveries())
def test_any_arrival_order_with_duplicates_ends_in_the_same_record_and_audit_as_in_time_order(drawn):
    events, delivered = drawn
    note(repr([(e.id, e.type, e.occurred_at.time().isoformat(), e.data) for e in delivered]))
    in_order = end_state(sorted(events, key=lambda e: e.occurred_at))
    as_delivered = end_state(delivered)
    assert as_delivered[0] == in_order[0]
    assert _comparable(as_delivered[1]) == _comparable(in_order[1])


@settings(max_examples=60, deadline=None)
@given(deliveries(), st.integers(0, 10))
def test_an_erasure_anywhere_among_them_leaves_no_name_or_email_any_update_said(drawn, position):
    """Updates before the erasure are erased with the rest; none after it brings one back."""
    import json

    from devplan.adapters.firestore.personal_records import PersonalRecords
    from devplan.domain.lifecycle_trail import said
    from devplan.services import privacy

    _, delivered = drawn
    position = min(position, len(delivered))
    t = team()
    handle(t, *delivered[:position])
    assert privacy.erase("anna", PersonalRecords(t.store.documents, lambda: t.store.now), t.store)
    handle(t, *delivered[position:])
    stored = json.dumps(t.store.docs, default=str)
    for fact in ("name", "email"):
        for value in {e.data[fact] for e in delivered if fact in e.data} | {"Anna Lindqvist", "anna@innerjourney.se"}:
            assert value not in stored and said("anna", fact, value)["digest"] not in stored, (fact, value)


def test_the_record_of_a_developer_waiting_for_a_lead_is_still_one_the_employee_trigger_reads():
    """Every write to their record fires the onboarding trigger: a lead still to come is not a
    broken record to reject (and dead-letter) on each write."""
    from devplan.adapters.decoding.firestore import DocumentChange, employee_change

    _, _, t = end_state([updated(at=TEN, leadId=None)])
    path, kind = "employees/anna", "google.cloud.firestore.document.v1.written"
    written = employee_change(DocumentChange("fs-1", kind, t.store.now, path, None, t.store.docs[path]))
    assert written.employee is not None and written.employee.lead_id is None


def test_an_entry_written_with_what_it_was_before_keeps_it_in_the_history():
    from devplan.domain.audit import LIFECYCLE, AuditEntry
    from devplan.domain.lifecycle_trail import trail

    at = datetime.fromisoformat(NINE)
    old = AuditEntry(
        "lifecycle:anna:role_changed:e0",
        "anna",
        LIFECYCLE,
        "role_changed",
        None,
        at,
        None,
        {"from": "coach", "to": "coach"},
    )
    new = AuditEntry(
        "lifecycle:anna:role_changed:e1",
        "anna",
        LIFECYCLE,
        "role_changed",
        None,
        at + timedelta(hours=1),
        None,
        {"to": "developer"},
    )
    shown = trail([old, new], end_state([])[2].store.employee("anna"))
    assert [e.detail for e in shown] == [{"from": "coach", "to": "coach"}, {"from": "coach", "to": "developer"}]
