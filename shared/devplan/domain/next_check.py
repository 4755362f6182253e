"""When the daily tick next needs to look at one employee: the due index.

The tick reads only the employees whose `next_check_on` has come (services/daily_tick.py), so a
quiet day costs reads in proportion to what is due, not to head count. The day must never be
later than the first day on which any rule of domain/cycle.py could act for the person; an
earlier day only costs a read (the tick looks, finds nothing, and writes the next day).

Rather than restating each rule's timing here (which would drift from the rules the moment one
changes), the rules themselves are asked: the first day after `today` on which `due_actions`
has something for the person, the facts as they stand after today's turn. Facts only change
through the tick (which writes the next day again) or through events from outside (a goal
agreed, an application drafted, a supervisor assigned, a Slack account linked): any write of
the employee from outside sets the day back to DUE_NOW (adapters/firestore/unit_of_work.py),
so the next tick looks again. Cycle records written from outside (1:1 held, reflection logged,
goals revised) only ever take actions away, so a day computed before them is still early enough.

The search ends at the next quarter's opening (HORIZON_OPENINGS): every active employee who has
started is invited that day, so the tick looks at everyone then anyway, and the next quarter's
facts (a record not written yet) are not needed to answer.
"""

from __future__ import annotations

from datetime import date, timedelta

from devplan.domain.calendar import Quarter, is_business_day
from devplan.domain.cycle import CycleFacts, EmployeeFacts, due_actions, opening_day

DUE_NOW = date(1, 1, 1)  # "look at the next tick": what a missing day means, and an outside write sets
NEVER = date(9999, 12, 31)  # someone no longer active: nothing is due until a write from outside
_ONE_DAY = timedelta(days=1)


def next_check_on(person: EmployeeFacts, quarter: Quarter, cycle: CycleFacts, today: date) -> date:
    """The first day after `today` on which the rules may act for `person` (their quarter's record
    `cycle` as it stands after today's actions), at the latest the next quarter's opening."""
    if not person.active:
        return NEVER
    horizon = opening_day(quarter.next())
    day = today + _ONE_DAY
    while day < horizon:
        # due_actions answers nothing on a day off: skip asking (the search is a quarter at most).
        if is_business_day(day) and due_actions(person, quarter, cycle, day):
            return day
        day += _ONE_DAY
    return horizon


def is_due(next_check: date | None, today: date) -> bool:
    """A day not written yet (employees from before the index) is due: nobody is left unseen."""
    return next_check is None or next_check <= today
