"""The fake Slack's OAuth v2, uninstall and rotation, proven against slack_bolt's and slack_sdk's
real code: AsyncOAuthFlow installs two workspaces into real stores (files, SQLite, PostgreSQL),
Bolt's per-team authorize answers each with its own token, its revocation listeners act on the
fake's events (signed HTTP and Socket Mode), and slack_sdk's token rotator renews tokens."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from tests.digest.conftest import postgres_url as postgres_url  # the fixture, for "postgres"
from tests.fakes.slack import (
    APP_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    WAIT,
    Browser,
    FakeSlack,
    OAuthApp,
    Workspace,
)
from tests.slack.bolt_oauth import (
    SCOPES,
    BoltOAuthApp,
    Stores,
    file_stores,
    sqlalchemy_stores,
    two_workspaces,
)
from tests.slack.conftest import SlackSender


@pytest.fixture(params=["files", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def stores(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Stores]:
    """Where Bolt keeps installations and OAuth states: slack_sdk's file stores, or its
    AsyncSQLAlchemy stores on SQLite (aiosqlite) and on PostgreSQL (psycopg 3, async)."""
    if request.param == "files":
        yield file_stores(tmp_path)
        return
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'oauth.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    async with sqlalchemy_stores(url) as made:
        yield made


@pytest.fixture
async def bolt(fake: FakeSlack, stores: Stores) -> AsyncIterator[BoltOAuthApp]:
    served = await BoltOAuthApp(fake, stores).start()
    yield served
    await served.close()


async def install_both(bolt: BoltOAuthApp, *workspaces: Workspace) -> None:
    async with bolt.browser() as browser:
        for workspace in workspaces:
            status, page = await bolt.install(browser, workspace.team_id, workspace.users[0])
            assert status == 200 and "Thank you!" in page, page


async def found(stores: Stores, workspace: Workspace) -> Installation | None:
    return await stores.installations.async_find_installation(
        enterprise_id=workspace.enterprise_id, team_id=workspace.team_id
    )


async def test_bolt_installs_two_workspaces_and_answers_each_with_its_own_token(
    fake: FakeSlack, bolt: BoltOAuthApp, stores: Stores
) -> None:
    alpha, beta = two_workspaces(fake)
    await install_both(bolt, alpha, beta)
    for workspace in (alpha, beta):
        installation = await found(stores, workspace)
        assert installation is not None
        assert installation.bot_token == fake.bot_token(workspace.team_id)
        assert installation.bot_user_id == workspace.bot_user_id
        assert installation.bot_id == workspace.bot_id  # from auth.test with the new token
        assert installation.user_id == workspace.users[0]  # who clicked Allow
        assert installation.enterprise_id == workspace.enterprise_id
        assert installation.team_name == workspace.name
        assert sorted(installation.bot_scopes) == sorted(SCOPES)
    assert fake.bot_token(alpha.team_id) != fake.bot_token(beta.team_id)
    exchange = fake.calls_to("oauth.v2.access")[0]
    assert exchange.authorization.startswith("Basic ")  # slack_sdk sends the client that way
    assert exchange.params["redirect_uri"] == bolt.redirect_url

    async with aiohttp.ClientSession() as session:
        sender = SlackSender(session, f"{bolt.base}/slack/events", fake)
        for workspace in (alpha, beta):
            answer = await sender.command("/quote", "trump", **workspace.command_fields())
            assert answer.status == 200, answer.body
    for workspace in (alpha, beta):
        [post] = fake.posts_in(workspace.team_id)
        assert post.token == fake.bot_token(workspace.team_id)
        assert post.channel in (workspace.channels or ())
        assert post.text == f"a quote for {workspace.team_id}"


async def test_the_authorize_page_redirects_the_browser_back_or_reports_a_cancel(
    fake: FakeSlack, stores: Stores
) -> None:
    alpha, _ = two_workspaces(fake)
    bolt = await BoltOAuthApp(fake, stores).start(
        redirect_uri=False, authorization_url=fake.authorize_url
    )
    fake.oauth.app = OAuthApp(redirect_uri=bolt.redirect_url)  # the app's Redirect URL setting
    try:
        async with bolt.browser() as browser:
            for allow in (False, True):
                fake.oauth.browser = Browser(
                    team_id=alpha.team_id, user_id="U0ALPHAED", allow=allow
                )
                link = await bolt.install_link(browser)
                assert link.startswith(fake.authorize_url)
                async with browser.get(link) as landed:  # Slack's 302, then Bolt's page
                    page_text = await landed.text()
                if allow:
                    assert "Thank you!" in page_text
                else:
                    assert "access_denied" in page_text
                    assert fake.calls_to("oauth.v2.access") == []
    finally:
        await bolt.close()
    installation = await found(stores, alpha)
    assert installation is not None and installation.user_id == "U0ALPHAED"


async def test_codes_are_single_use_short_lived_and_for_this_client_only(fake: FakeSlack) -> None:
    alpha = fake.add_workspace("T0002ALPHA", "Alpha Desk")
    fake.oauth.browser = Browser(team_id=alpha.team_id, user_id="U0ALPHAED")
    redirect = "http://127.0.0.1:9/slack/oauth_redirect"

    def new_code() -> str:
        query = f"client_id={CLIENT_ID}&scope=commands,chat:write&redirect_uri={redirect}&state=s1"
        landed = fake.approve(f"https://slack.com/oauth/v2/authorize?{query}")
        assert landed.startswith(redirect + "?") and "state=s1" in landed
        return landed.split("code=")[1].split("&")[0]

    client = AsyncWebClient(base_url=fake.api_url)

    async def exchange(code: str, **overrides: str) -> str:
        given = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uri": redirect}
        given.update(overrides)
        try:
            answer = await client.oauth_v2_access(code=code, **given)
        except SlackApiError as refused:
            return str(refused.response["error"])
        assert answer["team"] == {"id": "T0002ALPHA", "name": "Alpha Desk"}
        assert answer["token_type"] == "bot" and answer["enterprise"] is None
        return "ok"

    code = new_code()
    assert await exchange(code, client_secret="not-the-secret") == "bad_client_secret"
    assert await exchange(code, client_id="1.2") == "invalid_client_id"
    assert await exchange(code, redirect_uri="http://127.0.0.1:9/elsewhere") == "bad_redirect_uri"
    code = new_code()
    assert await exchange(code) == "ok"
    assert await exchange(code) == "invalid_code"  # used once already
    code = new_code()
    fake.advance_clock(601)  # Slack's codes last ten minutes
    assert await exchange(code) == "invalid_code"

    code = new_code()  # the client id and secret as form fields work too
    async with aiohttp.ClientSession() as session:
        form = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": code}
        form["redirect_uri"] = redirect
        async with session.post(f"{fake.api_url}oauth.v2.access", data=form) as response:
            assert (await response.json())["access_token"] == fake.bot_token("T0002ALPHA")


async def test_app_uninstalled_over_http_removes_that_workspace_only(
    fake: FakeSlack, bolt: BoltOAuthApp, stores: Stores
) -> None:
    alpha, beta = two_workspaces(fake)
    await install_both(bolt, alpha, beta)
    alpha_token = fake.bot_token(alpha.team_id)
    async with aiohttp.ClientSession() as session:
        sender = SlackSender(session, f"{bolt.base}/slack/events", fake)
        answer = await sender.event(fake.uninstall(alpha.team_id))
        assert answer.status == 200
        assert await found(stores, alpha) is None  # Bolt's listener deleted it
        assert await found(stores, beta) is not None
        with pytest.raises(SlackApiError) as refused:
            await AsyncWebClient(token=alpha_token, base_url=fake.api_url).auth_test()
        assert refused.value.response["error"] == "token_revoked"
        # A command from the uninstalled workspace finds no installation: Bolt says so.
        answer = await sender.command("/quote", "trump", **alpha.command_fields())
        assert answer.status == 200
        assert "no longer available" in (await fake.hook_post())["text"]
        answer = await sender.command("/quote", "trump", **beta.command_fields())
        assert answer.status == 200
    assert [p.team_id for p in fake.posts] == [beta.team_id]


async def test_tokens_revoked_over_http_drops_the_bot_token(
    fake: FakeSlack, bolt: BoltOAuthApp, stores: Stores
) -> None:
    alpha, beta = two_workspaces(fake)
    await install_both(bolt, alpha, beta)
    async with aiohttp.ClientSession() as session:
        sender = SlackSender(session, f"{bolt.base}/slack/events", fake)
        event = fake.revoke_tokens(beta.team_id)
        assert event["event"]["tokens"] == {"oauth": [], "bot": [beta.bot_user_id]}
        assert (await sender.event(event)).status == 200
    bots = stores.installations
    assert await bots.async_find_bot(enterprise_id=beta.enterprise_id, team_id=beta.team_id) is None
    assert await bots.async_find_bot(enterprise_id=None, team_id=alpha.team_id) is not None


async def test_app_uninstalled_as_a_socket_mode_envelope(fake: FakeSlack, tmp_path: Path) -> None:
    alpha, beta = two_workspaces(fake)
    stores = file_stores(tmp_path)
    for workspace in (alpha, beta):
        answer = fake.install(workspace.team_id)
        await stores.installations.async_save(
            Installation(
                app_id=answer["app_id"],
                enterprise_id=workspace.enterprise_id,
                team_id=workspace.team_id,
                bot_token=answer["access_token"],
                bot_user_id=answer["bot_user_id"],
                bot_scopes=answer["scope"],
                user_id=answer["authed_user"]["id"],
            )
        )
    app = AsyncApp(
        client=AsyncWebClient(base_url=fake.api_url), installation_store=stores.installations
    )
    app.enable_token_revocation_listeners()
    handler = AsyncSocketModeHandler(app, APP_TOKEN)
    await handler.connect_async()
    try:
        envelope_id = await fake.send_event(fake.uninstall(beta.team_id))
        ack = await asyncio.wait_for(fake.acks.get(), WAIT)
        assert ack["envelope_id"] == envelope_id
        deadline = time.monotonic() + WAIT
        while await found(stores, beta) is not None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
    finally:
        await handler.close_async()
    assert await found(stores, beta) is None
    assert await found(stores, alpha) is not None


async def test_slack_sdks_rotator_renews_an_expiring_token(fake: FakeSlack, tmp_path: Path) -> None:
    fake.oauth.app = OAuthApp(token_rotation=True)
    alpha = fake.add_workspace("T0002ALPHA", "Alpha Desk")
    answer = fake.install(alpha.team_id)
    assert answer["access_token"].startswith("xoxe.xoxb-1-")
    assert answer["refresh_token"].startswith("xoxe-1-") and answer["expires_in"] == 43200
    installation = Installation(
        app_id=answer["app_id"],
        team_id=alpha.team_id,
        bot_token=answer["access_token"],
        bot_refresh_token=answer["refresh_token"],
        bot_token_expires_in=answer["expires_in"],
        bot_user_id=answer["bot_user_id"],
        user_id=answer["authed_user"]["id"],
    )
    rotator = AsyncTokenRotator(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client=AsyncWebClient(base_url=fake.api_url),
    )
    assert await rotator.perform_token_rotation(installation=installation) is None  # not due
    fake.advance_clock(43000)  # 200 s before the first token expires
    rotated = await rotator.perform_token_rotation(
        installation=installation, minutes_before_expiration=12 * 60
    )
    assert rotated is not None and rotated.bot_token != installation.bot_token
    assert fake.calls_to("oauth.v2.access")[-1].params["grant_type"] == "refresh_token"

    async def team_of(token: str) -> str:
        try:
            identity = await AsyncWebClient(token=token, base_url=fake.api_url).auth_test()
        except SlackApiError as refused:
            return str(refused.response["error"])
        return str(identity["team_id"])

    assert await team_of(installation.bot_token or "") == alpha.team_id  # the old one, until due
    fake.advance_clock(300)
    assert await team_of(installation.bot_token or "") == "token_expired"
    assert await team_of(rotated.bot_token or "") == alpha.team_id
    with pytest.raises(SlackTokenRotationError):  # a refresh token is spent once used
        await rotator.perform_token_rotation(
            installation=installation, minutes_before_expiration=12 * 60
        )


async def test_bolt_rotates_an_expiring_token_before_answering(
    fake: FakeSlack, bolt: BoltOAuthApp, stores: Stores
) -> None:
    fake.oauth.app = OAuthApp(token_rotation=True, token_lifetime=3600)  # inside Bolt's 2 hours
    alpha, _ = two_workspaces(fake)
    await install_both(bolt, alpha)
    first = await found(stores, alpha)
    assert first is not None and first.bot_refresh_token is not None
    async with aiohttp.ClientSession() as session:
        sender = SlackSender(session, f"{bolt.base}/slack/events", fake)
        assert (await sender.command("/quote", "", **alpha.command_fields())).status == 200
    renewed = await found(stores, alpha)
    assert renewed is not None and renewed.bot_token != first.bot_token
    assert fake.calls_to("oauth.v2.access")[-1].params["grant_type"] == "refresh_token"
    [post] = fake.posts_in(alpha.team_id)
    assert post.token == renewed.bot_token
