"""The seed's year 2025 as a script of what people do, by day (the demo's input).

Times of day in Stockholm: the daily tick runs at 07:00 (the manifest's schedule), platform
events at 10:00, clicks and forms in Slack at 14:00.
"""

from __future__ import annotations

from devplan_tools.demo.plan import (
    TEAM,
    YEAR,
    Answer,
    Command,
    Counted,
    Day,
    Goals,
    MarkHeld,
    Person,
    ProposeGoal,
    Reflection,
    SlackReflection,
    on,
)

__all__ = ["TEAM", "YEAR", "Answer", "Command", "Day", "Person", "ProposeGoal", "SlackReflection"]


def _application(status: str, updated: str, **extra: object) -> Counted:
    """Erik's Vinnova application as the platform reports it (its whole state each time)."""
    data: dict[str, object] = {"employeeId": "erik", "applicationId": "vinnova-2025-01", "funder": "Vinnova"}
    data |= {"programme": "Innovationsprojekt i tidiga skeden", "amountSek": 465865, "deadline": "2025-05-15"}
    return Counted("funding.application_updated", {**data, "status": status, "updatedAt": updated, **extra})


def _course(day: str, request_id: str, course: str, provider: str, cost: int) -> Counted:
    data: dict[str, object] = {"employeeId": "anna", "requestId": request_id, "course": course, "provider": provider}
    return Counted("training.requested", {**data, "costSek": cost, "requestedAt": f"{day}T10:00:00+01:00"})


# Q1: first goals from the seed's examples. Maja is late (nudged, then Bo is told).
on("2025-01-10", Goals("bo", ("Hålla kvartalets 1:1 med alla i teamet inom två veckor",)))
on(
    "2025-01-16",
    Counted(
        "goals.proposed",
        {
            "employeeId": "anna",
            "goalId": "anna-firebase",
            "outcome": "Lära sig optimera Firebase-databaser för bättre skalbarhet",
            "metric": "optimerade Firestore-frågor",
            "target": 10,
            "unit": "frågor",
            "plan": "Kurs i Firebase på Udemy, sedan de tio tyngsta frågorna en i taget",
            "relevance": "Plattformen växer: användarna ska få snabba svar",
            "dueDate": "2025-03-31",
        },
    ),
    Answer("anna", "bo", "goal-proposal", "goal_agree"),
)
on(
    "2025-01-30",
    ProposeGoal(
        "maja",
        {
            "outcome": "Genomföra minst 20 coachingsessioner och uppnå status som Senior Coach inom 6 månader",
            "metric": "genomförda coachingsessioner",
            "target": "20",
            "unit": "sessioner",
            "source": "coaching_sessions",
            "plan": "Två sessioner i veckan, handledning av en certifierad Senior Coach",
            "relevance": "Fler användare får stöd, och vägen till Senior Coach",
            "due": "2025-03-31",
        },
    ),
)
on("2025-01-31", Answer("maja", "bo", "goal-proposal", "goal_agree"))
on("2025-02-12", Goals("erik", ("Skicka in Vinnova-ansökan om 465 865 kr senast mitten av maj",)))
on("2025-02-10", _course("2025-02-10", "anna-firebase", "Firebase: från noll till produktion", "Udemy", 1200))
on("2025-03-12", Reflection("anna", "anna-q1"))
on(
    "2025-03-20",
    Reflection("erik", "erik-q1"),
    Counted("goals.progress", {"employeeId": "anna", "goalId": "anna-firebase", "value": 6}),
)


def _session(day: str, session_id: str) -> None:
    data = {"sessionId": session_id, "coachId": "maja", "clientId": f"klient-{session_id}", "durationMinutes": 50}
    on(day, Counted("coaching.session_completed", {**data, "completedAt": f"{day}T09:00:00+01:00"}))


# Maja coaches once a week in Q1, twice a week from April: her goal is carried over at 8/20.
for n, day in enumerate(["02-03", "02-10", "02-17", "02-24", "03-03", "03-10", "03-17", "03-24"], 1):
    _session(f"2025-{day}", f"s{n:02d}")
# Q2: 1:1s held early, Maja's after the reminder; Erik revises late. Anna's Firebase goal,
# carried over at 6/10, is marked missed at her 1:1; her new goal comes from the platform.
on("2025-04-03", MarkHeld("anna", "bo"), Answer("anna", "anna", "review-invite", "goal_missed"))
on(
    "2025-04-07",
    Counted(
        "goals.proposed",
        {
            "employeeId": "anna",
            "goalId": "anna-vedastro",
            "outcome": (
                "Implementera och driftsätta VedAstro API på Google Cloud Engine (GCE) senast slutet av maj 2025"
            ),
            "metric": "VedAstro API i drift på GCE",
            "target": 1,
            "unit": "driftsättning",
            "plan": "Containerisera API:et, Terraform för GCE, driftsättning tillsammans med Bo",
            "relevance": "Astrologifunktionerna i appen behöver ett eget API",
            "dueDate": "2025-05-31",
        },
    ),
    Answer("anna", "bo", "goal-proposal", "goal_agree"),
    Goals("maja", ("Handleda två nya användare i plattformens journal",)),
    Goals("bo", ("Hålla kvartalets 1:1 med alla i teamet inom två veckor",)),
)
on("2025-04-09", MarkHeld("erik", "erik"))
for n, day in enumerate(["04-02", "04-04", "04-09", "04-11", "04-16", "04-23", "04-25", "04-30", "05-02"], 9):
    _session(f"2025-{day}", f"s{n:02d}")
_session("2025-04-10", "s11")  # the platform sends s11 again: it counts once
on("2025-04-17", Counted("coaching.session_cancelled", {"sessionId": "s13"}))  # cancelled afterwards
for n, day in enumerate(["05-07", "05-09", "05-14", "05-15"], 18):
    _session(f"2025-{day}", f"s{n:02d}")  # s21 on 15 May is the 20th that counts
on(
    "2025-04-22",
    ProposeGoal(
        "erik",
        {
            "outcome": "Säkra minst 465 865 SEK i finansiering från Vinnova senast maj 2025",
            "metric": "beviljad finansiering",
            "target": "465 865",
            "unit": "kr",
            "source": "funding_sek",
            "plan": "Vinnovas riktlinjer, interna ansökningsmallar, en genomläsning av Bo",
            "relevance": "Finansierar nästa års utveckling av plattformen",
            "due": "2025-05-31",
        },
    ),
    Answer("erik", "bo", "goal-proposal", "goal_agree"),
    _application("draft", "2025-04-22T10:00:00+02:00"),
)
on("2025-05-08", _application("submitted", "2025-05-08T10:00:00+02:00"))  # after the 14-day reminder
on("2025-04-24", MarkHeld("maja", "maja"))
on("2025-05-14", Reflection("anna", "anna-q2"), Reflection("maja", "maja-q2"))
on(
    "2025-05-16",
    Answer("maja", "bo", "goal-reached", "goal_confirm"),
    Answer("maja", "bo", "goal-perk-offer", "goal_perk", "extra_day_off"),
)
on("2025-05-20", _application("granted", "2025-05-20T10:00:00+02:00", grantedSek=465865))
on(
    "2025-05-21",
    Answer("erik", "bo", "goal-reached", "goal_confirm"),
    Answer("erik", "bo", "goal-perk-offer", "goal_perk", "gift_card"),
    Answer("erik", "bo", "funding-larger", "funding_larger_approve"),  # Horizon Europe next
)
on("2025-05-28", Counted("goals.achieved", {"employeeId": "anna", "goalId": "anna-vedastro"}))
on(
    "2025-05-29",
    Answer("anna", "bo", "goal-reached", "goal_confirm"),
    Answer("anna", "bo", "goal-perk-offer", "goal_perk", "none"),
)
on("2025-06-12", Reflection("erik", "erik-q2"))
# Anna's API is in production: Bo makes her technical lead of it.
on("2025-06-16", Command("bo", "utse {anna} VedAstro API"))
# Q3: summer; Erik's 1:1 never happens (escalated), Maja guides ten new users and reflects in Slack.
on("2025-07-02", MarkHeld("anna", "anna"), MarkHeld("maja", "bo"))
on(
    "2025-07-08",
    Goals("anna", ("Leda API-delprojektet",)),
    Goals("erik", ("Driva Horizon Europe-ansökan",)),
    Goals("bo", ("Ge varje medarbetare skriftlig feedback på sina mål",)),
    ProposeGoal(
        "maja",
        {
            "outcome": "Aktivt guida minst 10 nya användare genom onboardingprocessen under Q3 2025",
            "metric": "nya användare guidade genom onboardingen",
            "target": "10",
            "unit": "användare",
            "source": "users_guided",
            "plan": "Två välkomstsamtal i veckan via plattformen",
            "relevance": "Nya användare som kommer igång stannar kvar",
            "due": "2025-09-30",
        },
    ),
    Answer("maja", "bo", "goal-proposal", "goal_agree"),
)
for n, day in enumerate(["07-15", "07-22", "08-05", "08-12", "08-19", "08-26", "09-02", "09-04", "09-09", "09-10"], 1):
    on(
        f"2025-{day}",
        Counted(
            "onboarding.user_guided", {"coachId": "maja", "userId": f"ny-{n}", "guidedAt": f"2025-{day}T11:00:00+02:00"}
        ),
    )
on("2025-09-11", Answer("maja", "bo", "goal-reached", "goal_confirm"))
# Six months and twenty sessions: on 14 July (13 July is a Sunday) Bo is asked, and approves.
on("2025-07-15", Answer("maja", "bo", "senior-coach-ask", "senior_coach_approve"))
# Anna's certification costs more than is left this year: Bo approves the increase.
on(
    "2025-09-15",
    _course("2025-09-15", "anna-gcp", "Google Cloud Professional Cloud Developer", "Google Cloud", 4500),
)
on("2025-09-16", Answer("anna", "bo", "wallet", "wallet_approve"))
on("2025-08-20", Reflection("anna", "anna-q3"))
on(
    "2025-09-18",
    SlackReflection(
        "maja",
        {
            "went_well": "Tio nya användare kom igång, de flesta loggar i journalen varje vecka.",
            "challenges": "Sommaren gjorde det svårt att boka samtal.",
            "next_steps": "Samla vanliga frågor till en kort guide.",
            "visibility": "shared",
        },
    ),
)
# Q4: everyone on time.
on("2025-10-02", MarkHeld("anna", "bo"), MarkHeld("maja", "maja"), MarkHeld("erik", "bo"))
on(
    "2025-10-08",
    Goals("anna", ("Mentor för ny utvecklare",)),
    Goals("maja", ("Handleda två nya coacher",)),
    Goals("erik", ("Lämna in Horizon Europe-ansökan",)),
    Goals("bo", ("Ge varje medarbetare skriftlig feedback på sina mål",)),
)
on("2025-11-05", Reflection("anna", "anna-q4"), Reflection("maja", "maja-q4"), Reflection("erik", "erik-q4"))
