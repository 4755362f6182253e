"""SMART development goals: how many, and when they are due."""
from __future__ import annotations

from datetime import date

from devplan.domain.calendar import add_business_days, next_business_day

MIN_GOALS, MAX_GOALS = 1, 3
# A new employee sets their first goals within two working weeks of starting, counted in
# Swedish business days from the first business day on or after the start date: enough
# time to meet the lead, short enough that the first quarter is not lost.
FIRST_GOALS_BUSINESS_DAYS = 10


def first_goal_deadline(start_date: date) -> date:
    return add_business_days(next_business_day(start_date), FIRST_GOALS_BUSINESS_DAYS)
