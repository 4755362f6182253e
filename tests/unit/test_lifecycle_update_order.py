"""employee.updated events race each other and each may name only some of the person's facts:
every fact keeps the time it was last set, so an update is applied fact by fact when it is newer
than that fact, and the record ends the same whatever order the updates arrive in."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from devplan.domain.employees import ROLES
from devplan.domain.lifecycle import FIELDS
from tests.unit.goal_support import event
from tests.unit.slack_forms_support import ANNA_SLACK
from tests.unit.test_lifecycle import CARL_SLACK, audit_actions, handle, offboarded, team, to, updated

NINE, TEN, ELEVEN = "2025-04-08T09:00:00+02:00", "2025-04-08T10:00:00+02:00", "2025-04-08T11:00:00+02:00"


def facts(t) -> tuple:
    doc = t.store.docs["employees/anna"]
    return tuple(doc[k] for k in FIELDS)


def test_a_newer_name_change_arriving_first_does_not_lose_an_older_lead_change():
    lead, name = updated(at=NINE, leadId="carl"), updated(at=TEN, name="Anna Berg")
    in_order, reversed_ = team(), team()
    assert handle(in_order, lead, name) == ["updated", "updated"]
    assert handle(reversed_, name, lead) == ["updated", "updated"]
    assert facts(in_order) == facts(reversed_) == ("Anna Berg", "anna@innerjourney.se", "developer", "carl")
    assert audit_actions(reversed_) == ["lead_changed", "name_changed"]
    assert any(k.startswith("lead-changed:anna:carl:") for k in to(reversed_, CARL_SLACK))  # the new lead takes over


def test_an_update_applies_only_the_facts_it_is_newer_for_and_acts_only_on_those():
    t = team()
    handle(t, updated(at=TEN, leadId="carl"))
    both = updated(at=NINE, leadId="bo", role="coach")  # the lead is older than Carl's, the role is new
    assert handle(t, both) == ["updated"]
    assert facts(t)[2:] == ("coach", "carl")
    assert audit_actions(t) == ["lead_changed", "lead_changed", "role_changed"]  # Bo's too, as said at nine
    assert not any(k.endswith(":lead-bo") for k in t.outbox())  # nothing moved back to Bo
    assert t.outbox("invite:coaching:anna")


def test_stale_only_when_every_fact_named_is_as_old_as_or_older_than_its_own():
    t = team()
    handle(t, updated(at=TEN, name="Anna Berg", role="coach"))
    before = t.snapshot()
    older, as_old = updated(at=NINE, name="Anna Gammal"), updated(at=TEN, name="Anna Alm")  # "Alm" < "Berg"
    assert handle(t, older, as_old) == ["stale", "stale"]
    changed = {k for k in t.snapshot() if t.snapshot()[k] != before.get(k)}
    assert {k.split("/")[0] for k in changed} == {"processedEvents", "audit"}  # the claims, what was said


def test_two_updates_as_old_are_decided_by_value_not_by_which_came_first():
    t = team()
    handle(t, updated(at=TEN, role="funding_manager"))
    assert handle(t, updated(at=TEN, role="coach")) == ["stale"]  # "coach" < "funding_manager"
    assert handle(t, updated(at=TEN, role="project_lead")) == ["updated"]


def test_an_update_newer_for_a_fact_with_the_same_value_is_unchanged_and_moves_that_facts_time():
    t = team()
    assert handle(t, updated(at=TEN, role="developer")) == ["unchanged"]
    assert audit_actions(t) == ["role_changed"]  # what the platform said; the history leaves it out
    assert handle(t, updated(at=NINE, role="coach")) == ["stale"]  # ten o'clock's developer stands
    assert facts(t)[2] == "developer"


def test_a_record_from_before_facts_had_their_own_times_reads_its_one_time_as_each_facts():
    t = team()
    t.store.docs["employees/anna"]["lifecycle"] = {"at": datetime.fromisoformat(TEN)}
    assert handle(t, updated(at=NINE, leadId="carl")) == ["stale"]
    assert handle(t, updated(at=ELEVEN, name="Anna Berg")) == ["updated"]
    assert handle(t, updated(at=NINE, role="coach")) == ["stale"]  # still ten o'clock's role
    at = t.store.docs["employees/anna"]["lifecycle"]["fieldAt"]
    assert at == {**dict.fromkeys(FIELDS, datetime.fromisoformat(TEN)), "name": datetime.fromisoformat(ELEVEN)}


def test_offboarding_stays_final_even_when_older_than_an_update_applied():
    t = team()
    assert handle(t, updated(at=ELEVEN, name="Anna Berg"), offboarded(at=NINE)) == ["updated", "offboarded"]
    assert handle(t, updated(at=TEN, leadId="carl")) == ["offboarded"]  # recorded, nobody woken
    assert facts(t)[3] == "carl" and t.store.docs["employees/anna"]["status"] == "offboarded"
    assert not to(t, CARL_SLACK)
    assert t.store.docs["employees/anna"]["lifecycle"]["at"] == datetime.fromisoformat(NINE)  # when she left


# --- any order, any duplicates: the same record as in occurredAt order -----------------------

_VALUES = {
    "name": st.sampled_from(["Anna Lindqvist", "Anna Berg", "Anna Lind"]),
    "email": st.sampled_from(["anna@innerjourney.se", "anna.berg@innerjourney.se"]),
    "role": st.sampled_from(ROLES),
    "leadId": st.sampled_from(["bo", "carl"]),  # always someone: every combination is a usable employee
}
_changes = st.sets(st.sampled_from(FIELDS), min_size=1).flatmap(
    lambda named: st.fixed_dictionaries({k: _VALUES[k] for k in sorted(named)})
)


@st.composite
def deliveries(draw):
    """Updates at distinct times (minutes after nine), and the order the platform delivers them
    in: shuffled, some of them more than once."""
    minutes = draw(st.lists(st.integers(0, 600), min_size=1, max_size=6, unique=True))
    updates = [
        updated(at=(datetime.fromisoformat(NINE) + timedelta(minutes=m)).isoformat(), **draw(_changes)) for m in minutes
    ]
    again = draw(st.lists(st.sampled_from(updates), max_size=3))
    return updates, draw(st.permutations(updates + again))


@settings(max_examples=200, deadline=None)
@given(deliveries())
def test_any_delivery_order_with_duplicates_ends_as_the_updates_in_occurred_at_order(drawn):
    updates, delivered = drawn
    in_order, as_delivered = team(), team()
    handle(in_order, *sorted(updates, key=lambda e: e.occurred_at))
    handle(as_delivered, *delivered)
    assert as_delivered.store.docs["employees/anna"] == in_order.store.docs["employees/anna"]


def test_the_same_update_sent_again_under_another_id_changes_nothing():
    t = team()
    again = event("employee.updated", {"employeeId": "anna", "leadId": "carl"}, at=TEN)
    assert handle(t, updated(at=TEN, leadId="carl"), again) == ["updated", "stale"]
    assert len([k for k in to(t, ANNA_SLACK) if k.startswith("lead-changed:anna:2025")]) == 1
