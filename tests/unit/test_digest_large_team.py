"""A lead's digest fits Slack for any team size and name length: the per-person lines stop where
the text would pass Slack's limit, a line says how many more and how to get the full list (the HR
report), and the team's total is always there. The chart of a large team shows a readable few."""

import copy
import struct
from datetime import date

import pytest

from devplan.adapters.decoding.firestore import _outbox_problem
from devplan.adapters.firestore import mapping
from devplan.domain.calendar import Quarter
from devplan.domain.digest import Figures, PersonFigures, TeamDigest
from devplan.domain.limits import MAX_NAME_LENGTH, MAX_SLACK_TEXT_LENGTH
from devplan.messages import digest_chart
from devplan.messages.digest import digest_text
from devplan.services import quarterly_cycle
from devplan.services.inputs import EmployeeChunk
from tests.fixtures.documents import ANNA
from tests.unit.test_digest import png_chunks
from tests.unit.test_entry_points_http import seed_team

Q1 = Quarter(2025, 1)
LONG = "Långnamn" * 30


def team_of(size: int, name_length: int) -> TeamDigest:
    people = tuple(
        PersonFigures(f"m{i:03d}", (f"Medarbetare {i:03d} {LONG}")[:name_length], Figures(3, 2, 1, 1, 2, 1500))
        for i in range(size)
    )
    return TeamDigest("bo", "Bo Berg", Q1, people)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("size", [1, 60, 141, 500, 2000])
@pytest.mark.parametrize("name_length", [15, MAX_NAME_LENGTH])
def test_the_digest_text_fits_slack_and_always_ends_with_the_total(lang, size, name_length):
    text = digest_text(lang, team_of(size, name_length))
    assert len(text) <= MAX_SLACK_TEXT_LENGTH - 2000  # room for the why line after it
    last = text.splitlines()[-1]
    assert last.startswith("*Totalt*" if lang == "sv" else "*Total*") and f" {size}" in last
    shown = sum(line.startswith("• ") for line in text.splitlines())
    more = size - shown
    command = "`devplan report --quarter 2025-Q1 --lead bo`"
    if more:
        said = f"… och {more} till – hela listan: " if lang == "sv" else f"… and {more} more – the full list: "
        assert said + command in text
        assert shown >= 20  # cut where the text is full, not early
    else:
        assert command not in text


def test_a_small_team_is_listed_whole():
    assert digest_text("sv", team_of(3, 15)).count("• ") == 3


def test_a_team_of_141_with_long_names_gets_a_digest_slack_takes(env):
    """The reviewer's case: Bo leads 141 people with 200-character names; the digest's outbox
    entry was refused as too long and became a dead letter."""
    seed_team(env)
    ids = []
    for i in range(140):
        eid = f"m{i:03d}"
        env.store.docs[f"employees/{eid}"] = {
            **copy.deepcopy(ANNA),
            "name": f"Medarbetare {i:03d} {LONG}"[:MAX_NAME_LENGTH],
            "email": f"{eid}@ij.se",
            "slack": {"userId": f"U{eid.upper()}"},
            "onboarding": {"status": "welcomed"},
        }
        ids.append(eid)
    everyone = ("bo", "anna", *ids)
    for day in (date(2025, 4, 1), date(2025, 4, 2)):
        for k in range(0, len(everyone), 25):
            quarterly_cycle.run_chunk(EmployeeChunk(day, everyone[k : k + 25], f"m-{day}-{k}"), env.store)
    digests = [k for k in env.store.collection("outbox") if k.startswith("digest:")]
    assert digests == ["digest:bo:2025-Q1"]
    entry = mapping.outbox_entry_from(digests[0], env.store.docs[f"outbox/{digests[0]}"])
    assert _outbox_problem(entry.message) is None
    assert "… och " in entry.message.text and "1:1 hållna 0 av 141" in entry.message.text


def test_the_chart_of_a_large_team_shows_a_readable_few_and_says_so():
    big = team_of(141, MAX_NAME_LENGTH)
    shown = digest_chart.people_shown(big)
    assert len(shown) == digest_chart.MOST_PEOPLE < 141
    assert all(len(label) <= digest_chart.LABEL_LENGTH for label in digest_chart.labels(shown))
    assert digest_chart.note("sv", big) == (
        f"{digest_chart.MOST_PEOPLE} av 141 i teamet – hela listan: devplan report --quarter 2025-Q1 --lead bo"
    )
    assert digest_chart.note("en", team_of(3, 15)) == ""
    header = png_chunks(digest_chart.png("sv", big))[0][1]
    assert struct.unpack(">II", header[:8]) == digest_chart.size_pixels()
