"""The fake Slack as several workspaces: each token answered for its own team, revocations and
uninstalls felt only there, and the Home tab kept per user and workspace; driven by
slack_sdk's real AsyncWebClient and the bot's own SlackPoster."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import DeliveryError
from bot.platforms.slack.poster import SlackPoster
from bot.reply import Reply, ReplyKind
from tests.fakes.slack import BOT_TOKEN, DEFAULT_TEAM, FakeSlack, fixture
from tests.fakes.slack_events import socket_envelope
from tests.slack.bolt_oauth import BoltOAuthApp, file_stores
from tests.slack.conftest import SlackSender

DIGEST = Reply(command="digest", kind=ReplyKind.OK, title="Daily digest", text="Two parties")


def client(fake: FakeSlack, token: str) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=fake.api_url)


async def refusal(call: object) -> str:
    try:
        await call  # type: ignore[misc]
    except SlackApiError as refused:
        return str(refused.response["error"])
    return "ok"


async def test_auth_test_names_the_team_of_each_token(fake: FakeSlack) -> None:
    grid = fake.add_workspace(
        "T0003BETA", "Beta Desk", enterprise_id="E0003GRID", enterprise_name="Beta Grid"
    )
    token = fake.install(grid.team_id)["access_token"]
    default = await client(fake, BOT_TOKEN).auth_test()
    assert default.data == fixture("auth_test.json")  # the default workspace, as recorded
    assert default.headers["x-oauth-scopes"] == (
        "app_mentions:read,chat:write,commands,files:read,files:write,im:history"
    )
    beta = await client(fake, token).auth_test()
    assert (beta["team_id"], beta["team"], beta["enterprise_id"]) == (
        "T0003BETA",
        "Beta Desk",
        "E0003GRID",
    )
    assert (beta["user_id"], beta["bot_id"]) == (grid.bot_user_id, grid.bot_id)
    assert beta["url"] == "https://beta-desk.slack.com/"


async def test_each_digest_lands_in_its_own_workspace_and_nowhere_else(fake: FakeSlack) -> None:
    alpha = fake.add_workspace("T0002ALPHA", "Alpha Desk", channels=("C0ALPHA1", "C0ALPHA2"))
    beta = fake.add_workspace("T0003BETA", "Beta Desk", channels=("C0BETA1",))
    tokens = {w.team_id: fake.install(w.team_id)["access_token"] for w in (alpha, beta)}
    await SlackPoster(token=tokens["T0002ALPHA"], api_url=fake.api_url).post("C0ALPHA2", DIGEST)
    await SlackPoster(token=tokens["T0003BETA"], api_url=fake.api_url).post("C0BETA1", DIGEST)
    assert [(p.team_id, p.channel, p.token) for p in fake.posts] == [
        ("T0002ALPHA", "C0ALPHA2", tokens["T0002ALPHA"]),
        ("T0003BETA", "C0BETA1", tokens["T0003BETA"]),
    ]
    assert fake.calls_to("chat.postMessage")[0].team_id == "T0002ALPHA"
    # Alpha's token cannot see Beta's channel: the digest posted with the wrong workspace's
    # token fails for good, as on Slack.
    with pytest.raises(DeliveryError) as caught:
        await SlackPoster(token=tokens["T0002ALPHA"], api_url=fake.api_url).post("C0BETA1", DIGEST)
    assert caught.value.permanent and "channel_not_found" in str(caught.value)
    assert len(fake.posts) == 2


async def test_unknown_revoked_and_uninstalled_tokens_are_refused_as_slack_does(
    fake: FakeSlack,
) -> None:
    alpha = fake.add_workspace("T0002ALPHA", "Alpha Desk")
    beta = fake.add_workspace("T0003BETA", "Beta Desk")
    alpha_token = fake.install(alpha.team_id)["access_token"]
    beta_token = fake.install(beta.team_id)["access_token"]
    assert fake.install(alpha.team_id)["access_token"] == alpha_token  # a re-install keeps it
    assert await refusal(client(fake, "xoxb-0000-never-issued").auth_test()) == "invalid_auth"
    assert await refusal(AsyncWebClient(base_url=fake.api_url).auth_test()) == "not_authed"

    event = fake.revoke_tokens(alpha.team_id)
    assert event["event"]["type"] == "tokens_revoked"
    assert event["authorizations"][0]["team_id"] == alpha.team_id
    assert await refusal(client(fake, alpha_token).auth_test()) == "token_revoked"
    assert await refusal(client(fake, beta_token).auth_test()) == "ok"
    assert await refusal(client(fake, BOT_TOKEN).auth_test()) == "ok"

    uninstalled = fake.uninstall(beta.team_id)
    assert uninstalled["team_id"] == beta.team_id
    assert uninstalled["event"]["type"] == "app_uninstalled"
    assert await refusal(client(fake, beta_token).auth_test()) == "token_revoked"
    with pytest.raises(LookupError):
        fake.bot_token(beta.team_id)
    again = fake.install(beta.team_id)["access_token"]  # installing again: a new token
    assert again != beta_token and await refusal(client(fake, again).auth_test()) == "ok"


async def test_home_tabs_are_kept_per_user_and_workspace(fake: FakeSlack) -> None:
    alpha = fake.add_workspace("T0002ALPHA", "Alpha Desk", users=("U0ANNE", "U0ALI"))
    token = fake.install(alpha.team_id)["access_token"]
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "1"}}],
    }
    first = await client(fake, token).views_publish(user_id="U0ANNE", view=home)
    await client(fake, BOT_TOKEN).views_publish(user_id="U0ANNE", view=home)  # another team
    assert first["view"]["team_id"] == "T0002ALPHA" and first["view"]["type"] == "home"
    stored = fake.home_view("T0002ALPHA", "U0ANNE")
    assert stored is not None and stored["blocks"] == home["blocks"]
    assert fake.home_view("T0002ALPHA", "U0ALI") is None
    assert fake.home_view(DEFAULT_TEAM, "U0ANNE") is not None
    # An out-of-date hash is refused, the current one accepted (Slack's hash_conflict).
    stale = client(fake, token).views_publish(user_id="U0ANNE", view=home, hash="1.stale")
    assert await refusal(stale) == "hash_conflict"
    fresh = client(fake, token).views_publish(user_id="U0ANNE", view=home, hash=stored["hash"])
    assert await refusal(fresh) == "ok"
    modal = client(fake, token).views_publish(user_id="U0ANNE", view={**home, "type": "modal"})
    assert await refusal(modal) == "invalid_arguments"
    opened = fake.app_home_opened("T0002ALPHA", "U0ANNE")["event"]
    assert opened["type"] == "app_home_opened" and opened["tab"] == "home"
    assert opened["view"]["id"] == fake.home_view("T0002ALPHA", "U0ANNE")["id"]  # type: ignore[index]
    assert "view" not in fake.app_home_opened("T0002ALPHA", "U0ALI")["event"]


async def test_bolt_publishes_the_home_tab_on_app_home_opened(
    fake: FakeSlack, tmp_path: Path
) -> None:
    alpha = fake.add_workspace("T0002ALPHA", "Alpha Desk", users=("U0ANNE",))
    bolt = await BoltOAuthApp(fake, file_stores(tmp_path)).start()
    try:
        async with bolt.browser() as browser:
            status, _ = await bolt.install(browser, alpha.team_id, "U0ANNE")
        assert status == 200
        async with aiohttp.ClientSession() as session:
            sender = SlackSender(session, f"{bolt.base}/slack/events", fake)
            answer = await sender.event(fake.app_home_opened(alpha.team_id, "U0ANNE"))
        assert answer.status == 200
        published = await fake.published_home(alpha.team_id, "U0ANNE")
    finally:
        await bolt.close()
    assert published.token == fake.bot_token(alpha.team_id)
    assert published.view["blocks"][0]["text"]["text"] == "Home of T0002ALPHA for U0ANNE"


def test_events_are_shaped_for_http_and_socket_mode(fake: FakeSlack) -> None:
    beta = fake.add_workspace("T0003BETA", "Beta Desk", enterprise_id="E0003GRID")
    body = fake.uninstall(beta.team_id)
    assert body["type"] == "event_callback" and body["api_app_id"] == "A0DISPUTE1"
    assert body["enterprise_id"] == "E0003GRID"
    assert body["authorizations"] == [
        {
            "enterprise_id": "E0003GRID",
            "team_id": "T0003BETA",
            "user_id": beta.bot_user_id,
            "is_bot": True,
            "is_enterprise_install": False,
        }
    ]
    envelope = socket_envelope(body)
    assert envelope["type"] == "events_api" and envelope["payload"] is body
    assert len(envelope["envelope_id"]) == 36
