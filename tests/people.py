"""The seed's people as the platform onboards them (`employee.onboarded` data), shared by the tiers."""

ANNA = {
    "employeeId": "anna",
    "name": "Anna Lindqvist",
    "email": "anna@innerjourney.se",
    "role": "developer",
    "leadId": "bo",
    "startDate": "2025-01-07",
}
BO = {
    "employeeId": "bo",
    "name": "Bo Joel Kvarnsmyr",
    "email": "bo@innerjourney.se",
    "role": "project_lead",
    "leadId": None,
    "startDate": "2025-01-02",
}
# Erik's Slack account appears only after he is onboarded (team_join).
ERIK = {
    **ANNA,
    "employeeId": "erik",
    "name": "Erik Holm",
    "email": "erik@innerjourney.se",
    "role": "funding_manager",
    "startDate": "2025-02-03",
}
