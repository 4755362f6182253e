"""Someone whose erasure waits for their onboarding is never welcomed, announced to their lead,
invited to a channel nor looked for in Slack: the onboarding's own transaction sees the held
erasure and stores the record already erased, so no trigger, daily catch-up or crash between the
onboarding and the release of what was held can reach them. The trigger reads the record again
before it asks Slack anything (its payload may predate an erasure), and the catch-up applies
held events before it welcomes anyone."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from devplan.services import held_events, onboarding, privacy
from devplan.services.inputs import EmployeeWritten, PlatformEvent
from tests.unit.test_entry_points_http import seed_team
from tests.unit.test_privacy_before_onboarding import onboard_newp, post

PERSONAL = ("Anna Lindqvist", "anna@innerjourney.se")


def hold_erasure_of_newp(env) -> None:
    seed_team(env)
    assert post(env, "employee.erasure_requested", {"employeeId": "newp"}, "x1").get_json()["status"] == "held"


def trigger(env, snapshot) -> str:
    """The employee trigger with the record as the write it fired on carried it."""
    return onboarding.welcome_new_employee(EmployeeWritten("fs-newp", "newp", snapshot), env.store, env.slack)


def about_newp(env) -> list[str]:
    """Outbox messages to or about newp (a welcome, a notice to the lead, an invite)."""
    outbox = {p: d for p, d in env.store.docs.items() if p.startswith("outbox/")}
    return sorted(p for p, d in outbox.items() if "newp" in p + json.dumps(d, default=str))


def test_the_onboarding_stores_someone_whose_erasure_is_held_already_erased(env, monkeypatch):
    hold_erasure_of_newp(env)
    release = held_events.release
    monkeypatch.setattr(held_events, "release", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("instance lost")))
    assert onboard_newp(env).status_code >= 500  # cut short after its commit: the platform retries
    newp = env.store.docs["employees/newp"]
    assert newp["name"] == "(raderad)" and newp["status"] == "offboarded"
    assert not any(p in json.dumps(newp, default=str) for p in PERSONAL)
    lookups = env.slack.lookups
    assert trigger(env, env.store.employee("newp")) == "nothing_to_do"  # the write's trigger, first
    assert env.slack.lookups == lookups and not about_newp(env)
    monkeypatch.setattr(held_events, "release", release)
    assert onboard_newp(env).status_code == 200  # the retry applies the erasure
    assert not [p for p in env.store.docs if p.startswith("heldEvents/")]
    assert not about_newp(env)


def test_the_record_erased_at_its_onboarding_is_never_welcomed(env, monkeypatch):
    """The trigger of the onboarding's own write, whatever it carries (read before the release)."""
    hold_erasure_of_newp(env)
    written, release = [], held_events.release
    monkeypatch.setattr(held_events, "release", lambda i, s: written.append(s.employee(i)) or release(i, s))
    onboard_newp(env)
    before, lookups = env.snapshot(), env.slack.lookups
    assert trigger(env, written[0]) == "nothing_to_do"
    assert env.store.docs == before and env.slack.lookups == lookups


def test_the_trigger_reads_the_record_again_before_it_asks_slack(env):
    """A write's trigger may come after the person was erased: its payload is the record before."""
    seed_team(env)
    onboard_newp(env)
    snapshot = env.store.employee("newp")
    assert post(env, "employee.erasure_requested", {"employeeId": "newp"}, "x2").get_json()["status"] == "erased"
    before, lookups = env.snapshot(), env.slack.lookups
    assert trigger(env, snapshot) == "nothing_to_do"
    assert env.slack.lookups == lookups and env.store.docs == before


def test_the_catch_up_applies_a_held_erasure_before_it_welcomes(env):
    """An erasure the onboarding did not see (held beside a record already there, by a release
    before the onboarding read it): the daily catch-up erases before it welcomes."""
    seed_team(env)
    onboard_newp(env)
    now = datetime(2025, 4, 9, 7, tzinfo=UTC)
    request = PlatformEvent("x3", privacy.ERASURE_EVENT, now, {"employeeId": "newp"}, "")
    env.store.atomically(lambda uow: uow.hold(request, "newp"))
    onboarding.catch_up(env.store, env.slack, now, run_id="d1")
    assert env.store.docs["employees/newp"]["name"] == "(raderad)"
    assert not about_newp(env) and not [p for p in env.store.docs if p.startswith("heldEvents/")]
