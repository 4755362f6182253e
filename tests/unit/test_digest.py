"""The quarterly digest: a known team's figures, the text, the chart (a PNG of the stated size,
the same bytes each time) and its sending: once per lead and quarter, at the next opening."""

import struct
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from devplan.adapters.firestore.mapping import outbox_document
from devplan.domain.calendar import Quarter
from devplan.domain.cycle_record import HELD, CycleRecord, Review
from devplan.domain.digest import Figures, TeamDigest
from devplan.domain.goals import ACHIEVED, AWAITING, MISSED, PROPOSED, WITHDRAWN
from devplan.domain.outbox import OutboxMessage
from devplan.domain.wallet import PENDING, RECORDED, TrainingRequest, Wallet
from devplan.messages import digest_chart
from devplan.messages.digest import digest_text
from devplan.services import delivery, digest, quarterly_cycle
from devplan.services.inputs import EmployeeChunk
from tests.fakes import FakeSlack
from tests.unit.goal_support import Q2, give_goals, live_goal, workspace

Q3_OPENING = date(2025, 7, 1)
Q3_DIGEST = date(2025, 7, 2)  # the business day after the opening


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00+02:00")


def request(request_id: str, cost: int, day: str, status: str = RECORDED) -> TrainingRequest:
    return TrainingRequest(request_id, "Kurs", "Anordnare", cost, at(day), status=status)


@pytest.fixture
def team():
    """Bo leads Anna (2 goals achieved, 1 still agreed at the close, 1:1 held, 2 reflections,
    3 000 kr of training in Q2) and Erik (1 missed, 1 awaiting confirmation, a proposal never
    agreed, nothing else)."""
    store = workspace()
    give_goals(
        store,
        "anna",
        replace(live_goal("a1", 5, None), status=ACHIEVED),
        replace(live_goal("a2", 5, None), status=ACHIEVED),
        live_goal("a3", 5, None),
    )
    give_goals(
        store,
        "erik",
        replace(live_goal("e1", 5, None), status=MISSED),
        replace(live_goal("e2", 5, None), status=AWAITING),
        replace(live_goal("e3", 5, None), status=PROPOSED, agreed_on=None),
        replace(live_goal("e4", 5, None), status=WITHDRAWN),
    )

    def work(uow):
        uow.save_cycle(CycleRecord("anna", Q2, review=Review(status=HELD, held_on=date(2025, 4, 10)), reflections=2))
        requests = {
            "r1": request("r1", 1800, "2025-04-20"),
            "r2": request("r2", 1200, "2025-06-30"),
            "r3": request("r3", 900, "2025-07-02"),  # Q3
            "r4": request("r4", 700, "2025-05-02", PENDING),  # waits for the lead: not used
        }
        uow.save_wallet(Wallet("anna", 2025, requests=requests))

    store.atomically(work)
    return store


def bo(store):
    return store.employee("bo")


def test_figures_of_a_known_team(team):
    found = digest.team_digest_of(team, bo(team), Q2)
    by_id = {p.employee_id: p.figures for p in found.people}
    assert by_id == {
        "anna": Figures(goals_set=3, achieved=2, missed=1, reviews_held=1, reflections=2, training_sek=3000),
        "erik": Figures(goals_set=2, achieved=0, missed=1, reviews_held=0, reflections=0, training_sek=0),
    }
    assert [p.name for p in found.people] == ["Anna Lindqvist", "Erik Holm"]
    assert found.total == Figures(5, 2, 2, 1, 2, 3000)
    assert TeamDigest.from_data(found.as_data()) == found


def test_someone_who_started_after_the_quarter_is_not_in_it(team):
    erik = team.employee("erik")
    later = replace(erik, start_date=date(2025, 7, 7))
    found = digest.team_digest(bo(team), Q2, [team.employee("anna"), later], {}, {})
    assert [p.employee_id for p in found.people] == ["anna"]


def test_the_text_says_the_same_figures_in_the_leads_language(team):
    found = digest.team_digest_of(team, bo(team), Q2)
    sv, en = digest_text("sv", found), digest_text("en", found)
    assert "Hej Bo! Så här gick Q2 2025 för ditt team:" in sv
    assert "*Anna Lindqvist*: mål satta 3, uppnådda 2, missade/överförda 1 · 1:1 hållen · reflektioner 2" in sv
    assert "3\u00a0000\u00a0kr" in sv
    assert "*Totalt*: mål satta 5, uppnådda 2, missade/överförda 2 · 1:1 hållna 1 av 2" in sv
    assert "*Erik Holm*: goals set 2, achieved 0, missed/carried over 1 · 1:1 not held" in en
    assert "3,000 SEK" in en


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc
        chunks.append((kind, body))
        pos += 12 + length
    return chunks


def test_the_chart_is_a_png_of_the_stated_size_the_same_each_time_without_metadata(team):
    found = digest.team_digest_of(team, bo(team), Q2)
    drawn = digest_chart.png("sv", found)
    chunks = png_chunks(drawn)
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert (width, height) == digest_chart.size_pixels() == (1000, 500)
    assert not [kind for kind, _ in chunks if kind in (b"tEXt", b"iTXt", b"zTXt")]
    assert digest_chart.png("sv", found) == drawn
    assert digest_chart.png("en", found) != drawn  # the labels are the lead's language
    empty = digest_chart.png("sv", TeamDigest("bo", "Bo", Q2))
    assert png_chunks(empty)[0][1][:8] == chunks[0][1][:8]


def test_the_slack_endpoints_import_no_plotting_library():
    import subprocess
    import sys

    code = "import sys, main, devplan.services.delivery; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="functions", check=True)
    assert done.stdout.strip() == "False"


def open_q3(store, *ids, day=Q3_OPENING, message="m1"):
    return quarterly_cycle.run_chunk(EmployeeChunk(day, ids, message), store)


def digest_q3(store, *ids):
    """The opening's tick, then the next business day's, which sends the digest."""
    open_q3(store, *ids)
    return open_q3(store, *ids, day=Q3_DIGEST, message="d1")


def test_the_lead_gets_last_quarters_digest_once_the_business_day_after_the_opening(team):
    assert "quarter_digest" not in str(open_q3(team, "bo", "anna", "erik"))
    assert not [k for k in team.docs if k.startswith("outbox/digest:")]
    assert "quarter_digest" in str(open_q3(team, "bo", "anna", "erik", day=Q3_DIGEST, message="d1"))
    doc = team.get("outbox/digest:bo:2025-Q2")
    assert doc["users"] == ["U_BO"] and doc["chart"]["quarter"] == "2025-Q2" and doc["chart"]["language"] == "sv"
    assert "*Anna Lindqvist*: mål satta 3," in doc["text"]
    assert doc["text"].endswith("förra kvartalet siffrorna för sitt team. · Skickat den 2 juli 2025_")  # why
    # Everyone's opening ran the day before: Anna's open goal is carried over by now, still
    # counted as missed or carried over, as the digest read it.
    assert digest.team_digest_of(team, bo(team), Q2).total == TeamDigest.from_data(doc["chart"]).total
    # The same day again, a later day, another delivery: nothing new.
    open_q3(team, "bo", day=Q3_DIGEST, message="m2")
    open_q3(team, "bo", day=date(2025, 7, 3), message="m3")
    assert [k for k in team.docs if k.startswith("outbox/digest:")] == ["outbox/digest:bo:2025-Q2"]


def test_the_digest_is_sent_as_a_chart_file_once_even_when_delivered_twice(team):
    digest_q3(team, "bo")
    slack = FakeSlack()
    assert delivery.deliver("digest:bo:2025-Q2", "ev1", team, slack, Q3_AT) == "sent"
    assert delivery.deliver("digest:bo:2025-Q2", "ev2", team, slack, Q3_AT) == "nothing_to_do"
    [shared] = slack.files
    assert shared["channel"] == "D-U_BO" and shared["filename"] == "digest-bo-2025-Q2.png"
    assert shared["title"] == "Teamets kvartal – Q2 2025" and shared["comment"].startswith("Hej Bo!")
    assert shared["content"][:8] == b"\x89PNG\r\n\x1a\n" and not slack.posted
    assert team.get("outbox/digest:bo:2025-Q2")["slack"]["ts"] == shared["id"]


Q3_AT = datetime(2025, 7, 2, 6, tzinfo=UTC)


def test_a_crash_after_the_upload_is_found_by_the_retry_not_uploaded_again(team):
    digest_q3(team, "bo")
    slack = FakeSlack()
    team.fail_next_set = lambda path, data: data.get("state") == "sent"
    with pytest.raises(ConnectionError):
        delivery.deliver("digest:bo:2025-Q2", "ev1", team, slack, Q3_AT)
    assert delivery.deliver("digest:bo:2025-Q2", "ev1", team, slack, Q3_AT + delivery.LEASE) == "sent"
    assert len(slack.files) == 1


def test_a_lead_with_nobody_to_show_gets_no_digest(team):
    lonely = replace(bo(team), employee_id="lonely")
    assert digest.digest_message("digest:lonely:2025-Q2", lonely, TeamDigest("lonely", "Lo", Q2)) is None
    chart = OutboxMessage("digest:x:2025-Q2", users=("U1",), text="t", chart={"quarter": "2025-Q2"})
    assert outbox_document(chart, Q3_AT)["chart"] == {"quarter": "2025-Q2"}
    with pytest.raises(ValueError):
        OutboxMessage("digest:x:2025-Q2", channel="general", text="t", chart={})


def test_the_hr_report_as_csv_and_as_a_table(team):
    import io

    from devplan_tools import report

    digests = digest.team_digests(team, Q2)
    assert [d.lead_id for d in digests] == ["bo"] and digest.team_digests(team, Q2, "bo") == digests
    assert digest.team_digests(team, Q2, "nobody") == []
    out = io.StringIO()
    report.write_csv(digests, "sv", out)
    assert out.getvalue().splitlines() == [
        "Chef,Person,Mål satta,Uppnådda,Missade/överförda,1:1 hållna,Reflektioner,Utbildning (kr)",
        "Bo Joel Kvarnsmyr,Anna Lindqvist,3,2,1,1,2,3000",
        "Bo Joel Kvarnsmyr,Erik Holm,2,0,1,0,0,0",
        "Bo Joel Kvarnsmyr,Totalt,5,2,2,1,2,3000",
    ]
    out = io.StringIO()
    report.write_table(digests, "en", out)
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:3] == ["Lead", "Person", "Goals"] and set(lines[1]) <= {"-", " "}
    assert lines[2].split()[-7:] == ["3", "2", "1", "1", "2", "3,000", "SEK"]
    assert lines[-1].startswith("Bo Joel Kvarnsmyr") and "Total" in lines[-1]


def test_the_report_refuses_a_quarter_it_cannot_read(capsys):
    from devplan_tools import cli

    assert cli.main(["report", "--quarter", "2025-Q5"]) == 2
    assert "2025-Q2" in capsys.readouterr().err


def test_the_digest_is_due_for_everyone_the_business_day_after_their_opening_once():
    """Anyone may lead: whether someone led anyone is asked by the digest's handler, once a quarter."""
    from devplan.domain.cycle import CycleFacts, EmployeeFacts, due_actions

    q3 = Quarter.parse("2025-Q3")
    anyone = EmployeeFacts("anna", date(2025, 1, 7), has_lead=True)
    kinds = [a.kind for a in due_actions(anyone, q3, CycleFacts(), Q3_OPENING)]
    assert kinds[:1] == ["open_quarter"] and "quarter_digest" not in kinds
    assert "quarter_digest" in [a.kind for a in due_actions(anyone, q3, CycleFacts(opened_on=Q3_OPENING), Q3_DIGEST)]
    later = date(2025, 7, 8)
    assert "quarter_digest" in [a.kind for a in due_actions(anyone, q3, CycleFacts(opened_on=Q3_OPENING), later)]
    done = CycleFacts(opened_on=Q3_OPENING, done_keys=frozenset({"quarter-digest"}))
    assert "quarter_digest" not in [a.kind for a in due_actions(anyone, q3, done, later)]
