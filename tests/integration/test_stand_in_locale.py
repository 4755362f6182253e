"""users.info with include_locale on the Slack stand-in, through unmodified slack-sdk and through
the product's SlackGateway: the locale only when asked for (as Slack), a per-user locale set by a
test or the demo, the stand-in workspace's Swedish default, and user_not_found for no one."""

from __future__ import annotations

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from devplan.adapters.slack import SlackGateway, web_client
from devplan_tools.stand_in import SlackStandIn

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stand_in():
    with SlackStandIn(port=0) as s:
        yield s


def test_users_info_answers_the_locale_only_with_include_locale(stand_in):
    uid = stand_in.add_user("locale-1@innerjourney.se", "Alex Reed", locale="en-GB")["user"]["id"]
    client = WebClient(token=stand_in.bot_token, base_url=f"{stand_in.url}/api/")
    assert "locale" not in client.users_info(user=uid)["user"]
    assert client.users_info(user=uid, include_locale=True)["user"]["locale"] == "en-GB"
    assert "locale" not in client.users_lookupByEmail(email="locale-1@innerjourney.se")["user"]
    with pytest.raises(SlackApiError) as missing:
        client.users_info(user="U99999999", include_locale=True)
    assert missing.value.response["error"] == "user_not_found"


def test_the_gateway_reads_the_locale_set_over_http_and_the_swedish_default(stand_in):
    stand_in.reset()  # the recorded calls only: users stay
    body = {"email": "locale-2@innerjourney.se", "name": "Sam Berg", "locale": "en-US"}
    uid = requests.post(f"{stand_in.url}/_stand-in/users", json=body, timeout=10).json()["user"]["id"]
    plain = stand_in.add_user("locale-3@innerjourney.se", "Stina Ek")["user"]["id"]
    gateway = SlackGateway(web_client(f"{stand_in.url}/api/", stand_in.bot_token))
    assert gateway.user_locale(uid) == "en-US"
    assert gateway.user_locale(plain) == "sv-SE"
    assert gateway.user_locale("U99999999") is None  # the account is gone: Swedish, nothing to retry
    stand_in.add_user("locale-3@innerjourney.se", "Stina Ek", locale="en-IN")  # a known person's locale changes
    assert gateway.user_locale(plain) == "en-IN"
    wrong = {"email": "locale-4@innerjourney.se", "name": "X Y", "locale": 7}
    assert requests.post(f"{stand_in.url}/_stand-in/users", json=wrong, timeout=10).status_code == 400
    asked = [c["args"] for c in stand_in.calls() if c["method"] == "users.info"]
    assert asked and all(a.get("include_locale") is True for a in asked)  # JSON true, as slack-sdk sends it
