"""`/utveckling historik` reads a role's or lead's change with what it was before however long
the trail, leaves out a name or e-mail entry that moved nothing (in any arrival order), and reads
a record from before facts had their own times in Swedish with what it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.unit.goal_support import event
from tests.unit.slack_forms_support import ANNA_SLACK, BO_SLACK
from tests.unit.test_lifecycle import CARL_SLACK, handle, team, updated

NINE, TEN = "2025-04-08T09:00:00+02:00", "2025-04-08T10:00:00+02:00"


def history(t, asker: str = BO_SLACK) -> str:
    return t.command(asker, f"historik <@{ANNA_SLACK}>")["text"]


def test_a_role_change_names_the_role_before_it_after_more_than_two_hundred_other_entries():
    t = team()
    first = datetime.fromisoformat("2025-05-01T00:00:00+02:00")
    hours = [(i, (first + timedelta(hours=i)).isoformat()) for i in range(200)]
    names = [event("employee.updated", {"employeeId": "anna", "name": f"Anna {i:03d}"}, at=at) for i, at in hours]
    handle(t, updated(at="2025-04-01T09:00:00+02:00", role="coach"), *names)
    handle(t, updated(at="2025-06-20T09:00:00+02:00", role="funding_manager"))
    shown = history(t)
    assert "Ny roll: funding_manager (tidigare coach)" in shown


def test_name_and_email_entries_that_moved_nothing_are_left_out_also_when_said_again():
    t = team()
    doc = t.store.docs["employees/anna"]
    same = {"name": doc["name"], "email": doc["email"], "role": doc["role"]}
    handle(t, updated(at=NINE, **same, leadId="carl"), updated(at=TEN, **same, leadId="carl"))
    shown = history(t, CARL_SLACK)
    assert "Ny närmaste chef: carl (tidigare bo)" in shown
    assert "Namnet ändrades" not in shown and "E-postadressen ändrades" not in shown


def test_a_name_that_moved_is_shown_once_whatever_order_the_updates_came_in():
    renamed = updated(at=NINE, name="Anna Berg")
    again = updated(at=TEN, name="Anna Berg")
    shown = []
    for order in ((renamed, again), (again, renamed)):
        t = team()
        handle(t, *order)
        shown.append(history(t))
    assert shown[0] == shown[1] and shown[0].count("Namnet ändrades") == 1


def test_a_record_from_before_facts_had_their_own_times_names_the_role_before_in_swedish():
    t = team()
    t.store.docs["employees/anna"]["lifecycle"] = {"at": datetime(2025, 3, 1, tzinfo=UTC)}
    handle(t, updated(at=NINE, role="coach"))
    shown = history(t)
    assert "Ny roll: coach (tidigare developer)" in shown
    assert "role changed" not in shown and "Systemet:" not in shown


def test_an_old_record_offboarded_first_still_names_the_role_before_a_later_change():
    from tests.unit.test_lifecycle import offboarded

    t = team()
    t.store.docs["employees/anna"]["lifecycle"] = {"at": datetime(2025, 3, 1, tzinfo=UTC)}
    handle(t, offboarded(at=NINE), updated(at=TEN, role="coach"))
    was = t.store.docs["employees/anna"]["lifecycle"]["was"]
    assert (was["role"], was["leadId"]) == ("developer", "bo")
