"""OAuth mode's two pages, which anyone can open (a browser GETs them, unsigned): Bolt checks
the state, the bot bounds the rest; and how the modes are chosen and kept apart."""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa

from bot.app import enabled_platforms
from bot.config import inspect_settings
from bot.dossier import Dossier
from tests.fakes.slack import (
    APP_TOKEN,
    BOT_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    SIGNING_SECRET,
    Browser,
    FakeSlack,
)
from tests.fakes.slack_events import event_callback
from tests.slack.conftest import RunBot
from tests.slack.oauth_bot import Clock, OAuthBot, oauth_settings, run_oauth_bot
from tests.slack.test_oauth_mode import T0, two_workspaces


async def test_the_redirect_refuses_a_forged_or_replayed_state_and_calls_slack_for_nothing(
    fake: FakeSlack, served: OAuthBot
) -> None:
    alpha, _ = two_workspaces(fake)
    async with served.browser() as browser, served.browser() as other:
        link = await served.install_link(browser)
        fake.oauth.browser = Browser(team_id=alpha.team_id, user_id=alpha.users[0])
        back = fake.approve(link)  # the redirect with this browser's state and a code
        async with aiohttp.ClientSession() as stranger, stranger.get(back) as page:  # no cookie
            assert page.status == 400 and "invalid_browser" in await page.text()
        await served.install_link(other)  # another browser, with a state of its own
        async with other.get(back) as page:
            assert page.status == 400
        forged = back.replace("state=", "state=forged", 1)
        async with browser.get(forged) as page:
            assert page.status == 400
        assert fake.calls_to("oauth.v2.access") == []  # nothing exchanged for any of them
        await served.install_link(browser)  # the refusal cleared the cookie: start again
        back = fake.approve(await served.install_link(browser))
        async with browser.get(back) as page:
            assert page.status == 200 and "Thank you!" in await page.text()
            assert page.headers["Cache-Control"] == "no-store"
            assert page.headers["Referrer-Policy"] == "no-referrer"
        async with browser.get(back) as page:  # the same redirect again: used up
            assert page.status in (400, 401)
    assert len(fake.calls_to("oauth.v2.access")) == 1


async def test_the_pages_take_no_redirect_target_no_body_and_no_flood(
    fake: FakeSlack, served: OAuthBot
) -> None:
    async with served.browser() as browser:
        evil = "https://evil.example/steal"
        url = f"{served.base}/slack/install?redirect_uri={urllib.parse.quote(evil)}&next={evil}"
        async with browser.get(url) as page:
            assert page.status == 200
            assert "evil.example" not in await page.text()  # the link is the app's own
        error = "<script>alert(1)</script>"
        url = f"{served.base}/slack/oauth_redirect?error={urllib.parse.quote(error)}"
        async with browser.get(url) as page:
            text = await page.text()
        assert "Oops" in text and "alert(1)" in text  # said back, escaped (twice, by Bolt)
        assert "<script>" not in text
        async with browser.get(f"{served.base}/slack/install?x={'a' * 5000}") as page:
            assert page.status == 414
        async with browser.head(f"{served.base}/slack/install") as page:
            assert page.status == 405  # a HEAD would make a state too
        async with browser.post(f"{served.base}/slack/install", data="x" * 100) as page:
            assert page.status == 405
        statuses = []
        for _ in range(40):
            async with browser.get(f"{served.base}/slack/install") as page:
                statuses.append(page.status)
                if page.status == 429:
                    assert int(page.headers["Retry-After"]) >= 1
    assert statuses.count(200) <= 10 and statuses[-1] == 429  # a burst, then paced
    engine = sa.create_engine(f"sqlite:///{served.settings.digest_database}")
    with engine.connect() as conn:
        states = conn.execute(sa.text("SELECT count(*) FROM slack_oauth_states")).scalar()
    engine.dispose()
    assert states is not None and states <= 12  # one per page served, none for refusals


@pytest.fixture
def bolt_variables() -> Iterator[None]:
    """SLACK_CLIENT_ID and SLACK_CLIENT_SECRET left in the process environment."""
    saved = {name: os.environ.get(name) for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")}
    os.environ.update(SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def test_the_single_token_mode_ignores_oauth_variables_bolt_would_read(
    fake: FakeSlack, run_http_bot: RunBot, bolt_variables: None, tmp_path: Path
) -> None:
    """Bolt switches to OAuth with file stores when it sees SLACK_CLIENT_ID and
    SLACK_CLIENT_SECRET in the process environment; the bot's settings say one token."""
    home = tmp_path / "home"
    previous = os.environ.get("HOME")
    os.environ["HOME"] = str(home)
    try:
        async with run_http_bot() as slack:
            answer = await slack.command("/quote", "trump")
            assert answer.status == 200
            reply = await fake.hook_post()
    finally:
        if previous is not None:
            os.environ["HOME"] = previous
    assert "Trump" in reply["text"]
    assert not home.exists()  # no ~/.bolt-app-installation, no ~/.bolt-app-oauth-state
    assert os.environ["SLACK_CLIENT_ID"] == CLIENT_ID  # given back once Bolt was built


def test_the_settings_choose_one_slack_mode_and_say_what_is_missing() -> None:
    def problems(**environ: str) -> list[str]:
        return list(inspect_settings(environ=environ).problems)

    oauth = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET}
    assert problems(**oauth, SLACK_SIGNING_SECRET=SIGNING_SECRET) == []
    assert problems(**oauth, SLACK_APP_TOKEN=APP_TOKEN) == []
    assert "needs SLACK_CLIENT_SECRET" in problems(SLACK_CLIENT_ID=CLIENT_ID)[0]
    assert "needs SLACK_CLIENT_ID" in problems(SLACK_CLIENT_SECRET=CLIENT_SECRET)[0]
    both = problems(**oauth, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    assert "are both set" in both[0]
    assert "SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN" in problems(**oauth)[0]
    bad = problems(**oauth, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_REDIRECT_URI="/relative")
    assert "absolute https:// URL" in bad[0]
    settings = inspect_settings(environ={**oauth, "SLACK_SIGNING_SECRET": SIGNING_SECRET}).settings
    assert settings.slack_oauth and enabled_platforms(settings) == ["slack"]
    assert repr(settings.slack_client_secret) == "<SECRET>"
    assert CLIENT_SECRET not in str(settings.describe())


async def test_socket_mode_with_oauth_serves_the_install_pages_over_http(
    fake: FakeSlack, tmp_path: Path, dossier: Dossier
) -> None:
    settings = oauth_settings(fake, database=str(tmp_path / "state.sqlite3"), socket_mode=True)
    async with run_oauth_bot(fake, settings, dossier, clock=Clock(T0)) as served:
        assert served.running.mode == "socket" and served.running.pages is not None
        alpha, _ = two_workspaces(fake)
        status, page = await served.install(alpha)
        assert status == 200 and "Thank you!" in page
        events = f"{served.base}/slack/events"  # events come over the socket only
        async with aiohttp.ClientSession() as session, session.post(events, data="{}") as answer:
            assert answer.status in (404, 405)
        event = {
            "type": "app_mention",
            "user": alpha.users[0],
            "text": f"<@{alpha.bot_user_id}> quote trump",
            "ts": "1772197000.000100",
            "channel": "C0ALPHA1",
        }
        await fake.send_event(event_callback(alpha, event))
        post = await fake.post(alpha.team_id)
        assert post.token == fake.bot_token(alpha.team_id)
