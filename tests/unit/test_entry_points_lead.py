"""slack_events with `/utveckling utse` and `/utveckling historik`, in-process through
functions-framework with signed, Slack-shaped form posts: the mention arrives URL-encoded as
Slack sends it, the answer is the ephemeral text Slack shows to the asker."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.unit.entry_support import client, slack_headers
from tests.unit.test_entry_points_slack_forms import ANNA_SLACK, BO_SLACK, FORM, seed


def command(env, user: str, text: str):
    form = {"command": "/utveckling", "user_id": user, "text": text, "trigger_id": env.slack.issue_trigger()}
    body = urlencode(form).encode()
    return client("slack_events").post("/", data=body, headers=slack_headers(body, env.now, FORM))


def test_a_nomination_and_the_history_through_the_entry_point(env):
    seed(env)  # Bo leads Anna, a developer
    nominated = command(env, BO_SLACK, f"utse <@{ANNA_SLACK}|anna> VedAstro API")
    body = nominated.get_json()
    assert nominated.status_code == 200 and (body["ok"], body["outcome"], body["response_type"]) == (
        True,
        "assigned",
        "ephemeral",
    )
    assert "teknisk ledare för *VedAstro API*" in body["text"] and "Underlag" in body["text"]
    sent = sorted(k.rsplit(":", 1)[1] for k in env.outbox() if k.startswith("lead-responsibility:anna:"))
    assert sent == ["dev", "told"]
    own = command(env, ANNA_SLACK, "historik").get_json()
    assert "Bo Joel Kvarnsmyr utsåg till teknisk ledare för VedAstro API" in own["text"]
    assert command(env, BO_SLACK, f"historik <@{ANNA_SLACK}>").get_json()["outcome"] == "shown"


def test_a_refusal_through_the_entry_point_is_a_200_with_the_polite_text(env):
    seed(env)
    before = env.snapshot()
    refused = command(env, ANNA_SLACK, f"utse <@{BO_SLACK}> VedAstro API")
    assert refused.status_code == 200 and refused.get_json()["outcome"] == "not_yours"
    assert env.snapshot() == before
    assert command(env, ANNA_SLACK, f"historik <@{BO_SLACK}>").get_json()["outcome"] == "refused"
