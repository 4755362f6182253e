"""1:1 notes that carry over and time off on the whole local stack: Bo marks Q2's 1:1 held, the
notes modal opens and he saves two agreed actions; Anna books July off on the platform; the Q3
invite lists the open actions with "Klar" and her time off, she ticks one off; no reminder about
her goes out in July, and her revision deadline moved from 15 July to 14 August."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from google.cloud import firestore

from devplan_tools.local import platform_client
from tests.conftest import posts, wait_for
from tests.e2e.test_onboarding_flow import ANNA, BO, onboard_team, send_signed

pytestmark = pytest.mark.e2e


def action_ts(day: str) -> str:
    moment = datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=ZoneInfo("Europe/Stockholm"))
    return f"{moment.astimezone(UTC).timestamp():.6f}"


def group_posts(stack) -> list[dict]:
    return [p for p in posts(stack) if (p["channel_name"] or "").startswith("group DM")]


def tick(stack, day: date) -> None:
    stack.tick(day)
    stack.wait_quiet(settle=1.0)


def about_anna(stack) -> list[str]:
    """Reminders about Anna's plan: to her, to Bo about her, to the two of them."""
    texts = [p["text"] for p in posts(stack, channel_name="DM Anna Lindqvist")]
    texts += [p["text"] for p in posts(stack, channel_name="DM Bo Joel Kvarnsmyr") if "Anna" in p["text"]]
    texts += [p["text"] for p in group_posts(stack)]
    return [t for t in texts if "senast" in t or "Påminnelse" in t or "har inte satt" in t]


def test_notes_carry_over_to_the_next_agenda_and_july_off_moves_the_deadline(clean_stack):
    onboard_team(clean_stack, BO, ANNA)
    clean_stack.wait_quiet()
    client, users = clean_stack.client(), {u["real_name"]: u["id"] for u in clean_stack.client().slack_users()}
    anna, bo = users["Anna Lindqvist"], users["Bo Joel Kvarnsmyr"]
    tick(clean_stack, date(2025, 4, 1))
    (invite,) = wait_for(lambda: group_posts(clean_stack), what="Q2 invite")

    held = client.click(bo, invite["channel"], invite["ts"], "review_mark_held", action_ts("2025-04-03"))
    assert '"held"' in held["app_answer"] and '"opened"' in held["app_answer"]
    opened = [c["args"]["view"] for c in client.slack_calls() if c["method"] == "views.open"]
    assert [v["callback_id"] for v in opened] == ["meeting_notes_form"]
    saved = client.submit_view(
        bo, "meeting_notes_form", {"actions": "Boka kurs i Kubernetes\nPara med Maja på VedAstro", "notes": "Bra"}
    )
    assert saved["app_status"] == 200 and saved["app_answer"] == ""
    wait_for(lambda: [p for p in group_posts(clean_stack) if "Anteckningar från 1:1" in p["text"]], what="notes")

    july = {"employeeId": "anna", "timeOffId": "sem-2025", "from": "2025-07-01", "to": "2025-07-31", "kind": "vacation"}
    answer = send_signed(clean_stack, platform_client.envelope("employee.time_off", july, event_id="evt-july"))
    assert answer.json()["status"] == "recorded"
    wait_for(lambda: [p for p in posts(clean_stack, channel_name="DM Bo Joel Kvarnsmyr") if "ledig" in p["text"]])
    reminders_before = len(about_anna(clean_stack))

    tick(clean_stack, date(2025, 7, 1))  # Q3 opens: the invite still goes out, with her time off
    q3 = wait_for(lambda: [p for p in group_posts(clean_stack) if "Q3 2025" in p["text"]], what="Q3 invite")[0]
    blocks = str(q3["args"]["blocks"])
    assert "Boka kurs i Kubernetes" in blocks and "Para med Maja på VedAstro" in blocks
    assert "Ledig från den 1 juli 2025 till den 31 juli 2025" in blocks
    kurs = next(
        e["value"]
        for b in q3["args"]["blocks"]
        if b.get("type") == "actions"
        for e in b["elements"]
        if e["action_id"] == "note_action_done"
    )
    done = client.click(anna, q3["channel"], q3["ts"], "note_action_done", action_ts("2025-07-02"), value=kurs)
    assert '"done"' in done["app_answer"]
    again = client.click(bo, q3["channel"], q3["ts"], "note_action_done", action_ts("2025-07-02"), value=kurs)
    assert '"already_done"' in again["app_answer"]

    for day in (date(2025, 7, 11), date(2025, 7, 15), date(2025, 7, 16), date(2025, 7, 31)):
        tick(clean_stack, day)  # without the time off: the nudge, the 1:1 reminder, the lead told
    assert len(about_anna(clean_stack)) == reminders_before
    tick(clean_stack, date(2025, 8, 12))  # two business days before the moved deadline
    nudge = wait_for(
        lambda: [t for t in about_anna(clean_stack) if "den 14 augusti 2025" in t], what="nudge with the moved deadline"
    )
    assert len(nudge) == 1
    cycle = firestore.Client(project=clean_stack.project).document("cycles/anna:2025-Q3").get().to_dict()
    assert [a["text"] for a in cycle["actions"] if not a.get("doneOn")] == ["Para med Maja på VedAstro"]
