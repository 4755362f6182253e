"""A smoke run of bench/cost.py (10 people, January): the counting layer counts what the
product does, and the daily tick reads in proportion to who is due."""

import sys
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import cost  # noqa: E402
from costing.counting import CALLS, READS, WRITES  # noqa: E402
from costing.year import Year  # noqa: E402


def test_the_smoke_run_meets_its_targets(capsys):
    assert cost.main(["--smoke"]) == 0
    assert "targets met" in capsys.readouterr().out


def test_the_opening_is_counted_per_function_and_a_quiet_day_reads_only_the_due_query():
    year = Year(10, 2026)
    # A holiday, the opening (Friday), the digest's Monday, trettondedag, … a quiet Friday.
    days = [date(2026, 1, d) for d in range(1, 10)]
    year.run(days)
    opening = year.meter.counts[date(2026, 1, 2)]
    assert opening["daily-tick"][CALLS] == 1 and opening["employee-tick"][CALLS] == 1  # one chunk of 10
    # Each of the 10: employee and three quarters' cycles read; cycle and next check written.
    assert opening["employee-tick"][READS] >= 40 and opening["employee-tick"][WRITES] >= 20
    invites = [i for i in year.host.memory.collection("outbox") if i.startswith("review-invite:")]
    assert len(invites) == 8  # the two project leads have no 1:1 of their own
    # claimed and sent each; the first time, each pair's group DM is kept (slackConversations/)
    assert opening["outbox-created"][CALLS] == len(invites)
    assert opening["outbox-created"][WRITES] == 3 * len(invites)
    # Last quarter's digest the business day after: not on the day that already reads everyone.
    digest_day = year.meter.counts[date(2026, 1, 5)]
    assert digest_day["employee-tick"][CALLS] == 1
    digests = [i for i in year.host.memory.collection("outbox") if i.startswith("digest:")]
    assert len(digests) == 2  # each lead gets last quarter's digest of their team
    assert digest_day["outbox-created"][CALLS] == len(digests)  # each claimed and sent, to the lead's own DM
    assert digest_day["outbox-created"][WRITES] == 2 * len(digests)
    quiet = year.meter.counts[date(2026, 1, 9)]
    assert "employee-tick" not in quiet  # nobody due: no chunk at all
    assert quiet["daily-tick"][READS] == 3  # the day's tick record, the index's marker, the due query's one read
    summary = cost.summarise(year, days)
    assert summary["tick"]["reads_on_quiet_days"] == 3
    # Each quota against its own busiest day: the opening writes most, the digest's day reads most.
    assert summary["peaks"][WRITES]["day"] == "2026-01-02" and summary["peaks"][READS]["day"] == "2026-01-05"
    # Each opening and its digest's day on a line of their own: the first after the seed is not the others.
    assert list(summary["quarters"]) == ["2026-01-02", "2026-01-05"]
    assert summary["quarters"]["2026-01-02"][WRITES] == sum(c[WRITES] for c in opening.values())
