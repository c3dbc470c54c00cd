"""Slack's OAuth mode: one app installed in many workspaces, against the fake Slack on
loopback with Bolt's real OAuth flow and the bot's own code, the installations on SQLite
(default) or PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.app import DisputeBot
from bot.config import PROJECT_ROOT
from bot.delivery import Team
from bot.dossier import Dossier
from tests.digest.conftest import DOSSIER
from tests.digest.conftest import postgres_url as postgres_url  # the fixture, for "postgres"
from tests.draft.review import ARTICLE
from tests.fakes.slack import (
    CLIENT_ID,
    CLIENT_SECRET,
    SIGNING_SECRET,
    WAIT,
    FakeSlack,
    Workspace,
    fixture,
)
from tests.fakes.slack_events import event_callback
from tests.fakes.slack_files import file_share_event
from tests.slack.bolt_oauth import two_workspaces
from tests.slack.oauth_bot import Clock, OAuthBot, oauth_settings, run_oauth_bot

# A Sunday morning, two days after Trump's order (the dossier's last events).
T0 = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The state database: a SQLite file, or PostgreSQL in a schema of its own."""
    if request.param == "sqlite":
        return {"database": str(tmp_path / "state.sqlite3")}
    return {"database_url": request.getfixturevalue("postgres_url")}


@pytest.fixture
async def served(
    fake: FakeSlack, where: dict[str, str], dossier: Dossier
) -> AsyncIterator[OAuthBot]:
    settings = oauth_settings(fake, **where)
    async with run_oauth_bot(fake, settings, dossier, clock=Clock(T0)) as bot:
        yield bot


async def install_both(served: OAuthBot, *workspaces: Workspace) -> None:
    for workspace in workspaces:
        status, page = await served.install(workspace)
        assert status == 200 and "Thank you!" in page, page


def team(workspace: Workspace) -> Team:
    return Team(team_id=workspace.team_id, enterprise_id=workspace.enterprise_id)


async def test_two_workspaces_install_from_the_install_page_and_each_is_answered_with_its_token(
    fake: FakeSlack, served: OAuthBot
) -> None:
    alpha, beta = two_workspaces(fake)
    await install_both(served, alpha, beta)

    exchanges = fake.calls_to("oauth.v2.access")  # through SLACK_API_URL: the fake saw both
    assert len(exchanges) == 2
    assert all(call.authorization.startswith("Basic ") for call in exchanges)
    for workspace in (alpha, beta):
        bot = await served.installations.bot(team(workspace))
        assert bot is not None and bot.bot_token == fake.bot_token(workspace.team_id)
    assert fake.bot_token(alpha.team_id) != fake.bot_token(beta.team_id)

    # A slash command from each workspace is answered (its installation found)...
    for number, workspace in enumerate((alpha, beta), 1):
        answer = await served.command(workspace, "/quote", "trump")
        assert answer.status == 200, answer.body
        reply = await fake.hook_post(number)
        assert f"/hooks/commands/{workspace.team_id}/" in fake.hook_urls[number - 1]
        assert "Trump" in reply["text"]
    # ... and a mention, answered in a thread with chat.postMessage, with its own token.
    for workspace in (alpha, beta):
        channel = sorted(workspace.channels or ())[0]
        event = {
            "type": "app_mention",
            "user": workspace.users[0],
            "text": f"<@{workspace.bot_user_id}> quote hegseth",
            "ts": "1772197000.000100",
            "channel": channel,
        }
        assert (await served.sender.event(event_callback(workspace, event))).status == 200
        post = await fake.post(workspace.team_id)
        assert post.token == fake.bot_token(workspace.team_id)
        assert post.channel == channel
    assert [p.team_id for p in fake.posts] == [alpha.team_id, beta.team_id]
    # Bolt's default authorize calls auth.test on every request; the bot's reads the store.
    assert len(fake.calls_to("auth.test")) == 2  # one per install (Bolt's flow), no more


async def test_a_digest_posts_in_each_workspace_with_its_token_and_an_uninstall_stops_only_its_own(
    fake: FakeSlack, served: OAuthBot
) -> None:
    alpha, beta = two_workspaces(fake)
    await install_both(served, alpha, beta)
    for workspace, channel in ((alpha, "C0ALPHA1"), (beta, "C0BETA1")):
        answer = await served.command(
            workspace, "/digest", "subscribe 07:00 UTC", channel_id=channel
        )
        assert answer.status == 200
    for number in (1, 2):
        assert "Subscribed" in (await fake.hook_post(number))["text"]
    await served.start_digests()

    served.clock.now = T0 + dt.timedelta(hours=1, minutes=5)  # 07:05: both are due
    await served.sweep()
    for workspace, channel in ((alpha, "C0ALPHA1"), (beta, "C0BETA1")):
        [post] = fake.posts_in(workspace.team_id)
        assert post.channel == channel
        assert post.token == fake.bot_token(workspace.team_id)

    # Alpha removes the app: Slack revokes its tokens and sends app_uninstalled.
    assert (await served.sender.event(fake.uninstall(alpha.team_id))).status == 200
    assert await served.installations.bot(team(alpha)) is None
    assert await served.installations.bot(team(beta)) is not None
    store = served.bot.digest.store
    paused = store.subscription("slack", "C0ALPHA1", DOSSIER)
    assert paused is not None and paused.paused_reason is not None
    assert "uninstalled" in paused.paused_reason
    running = store.subscription("slack", "C0BETA1", DOSSIER)
    assert running is not None and not running.paused

    served.clock.now += dt.timedelta(days=1)  # the next morning: only Beta gets one
    await served.sweep()
    assert len(fake.posts_in(alpha.team_id)) == 1
    assert len(fake.posts_in(beta.team_id)) == 2
    assert fake.calls_to("chat.postMessage")[-1].team_id == beta.team_id

    # A command from Alpha now finds no installation: the user is told to reinstall.
    answer = await served.command(alpha, "/quote", "trump")
    assert answer.status == 200
    told = await fake.hook_post(3)
    assert "install it again" in told["text"]

    # /digest status in Alpha's channel (after a reinstall) says why it stopped.
    status, _ = await served.install(alpha)
    assert status == 200
    await served.command(alpha, "/digest", "status", channel_id="C0ALPHA1")
    shown = await fake.hook_post(4)
    assert "uninstalled" in str(shown["blocks"])
    # /digest resume there starts it again, posted with the token of the new installation.
    await served.command(alpha, "/digest", "resume", channel_id="C0ALPHA1")
    assert "Resumed" in (await fake.hook_post(5))["text"]
    served.clock.now += dt.timedelta(days=1)
    await served.sweep()
    assert [p.channel for p in fake.posts_in(alpha.team_id)] == ["C0ALPHA1", "C0ALPHA1"]
    assert fake.posts_in(alpha.team_id)[-1].token == fake.bot_token(alpha.team_id)
    assert len(fake.posts_in(beta.team_id)) == 3


async def test_a_subscription_from_the_config_posts_in_the_workspace_it_names(
    fake: FakeSlack, tmp_path: Path, dossier: Dossier
) -> None:
    entry = {"platform": "slack", "channel": "C0BETA1", "time": "07:00", "timezone": "UTC"}
    entry |= {"team": "T0003BETA", "enterprise": "E0003GRID"}
    settings = oauth_settings(
        fake, database=str(tmp_path / "state.sqlite3"), digest_subscriptions=(entry,)
    )
    async with run_oauth_bot(fake, settings, dossier, clock=Clock(T0)) as served:
        alpha, beta = two_workspaces(fake)
        await install_both(served, alpha, beta)
        await served.start_digests()
        served.clock.now = T0 + dt.timedelta(hours=1, minutes=5)
        await served.sweep()
    [post] = fake.posts
    assert (post.team_id, post.channel) == (beta.team_id, "C0BETA1")
    assert post.token == fake.bot_token(beta.team_id)


async def test_tokens_revoked_drops_the_bot_and_pauses_that_workspace_only(
    fake: FakeSlack, served: OAuthBot
) -> None:
    alpha, beta = two_workspaces(fake)
    await install_both(served, alpha, beta)
    for workspace, channel in ((alpha, "C0ALPHA1"), (beta, "C0BETA1")):
        await served.command(workspace, "/digest", "subscribe 07:00 UTC", channel_id=channel)
    await fake.hook_post(2)
    event = fake.revoke_tokens(beta.team_id)
    assert (await served.sender.event(event)).status == 200
    assert await served.installations.bot(team(beta)) is None
    assert await served.installations.bot(team(alpha)) is not None
    store = served.bot.digest.store
    beta_sub, alpha_sub = (
        store.subscription("slack", "C0BETA1", DOSSIER),
        store.subscription("slack", "C0ALPHA1", DOSSIER),
    )
    assert beta_sub is not None and beta_sub.paused and "revoked" in (beta_sub.paused_reason or "")
    assert alpha_sub is not None and not alpha_sub.paused


@pytest.fixture
async def rotating(
    fake: FakeSlack, where: dict[str, str], dossier: Dossier
) -> AsyncIterator[tuple[OAuthBot, Workspace]]:
    """The app opted in to token rotation, its tokens living one hour (inside the two hours
    before expiry when the bot renews them), installed in Alpha."""
    settings = oauth_settings(fake, **where)
    async with run_oauth_bot(
        fake, settings, dossier, clock=Clock(T0), rotation=True, token_lifetime=3600
    ) as served:
        alpha, _ = two_workspaces(fake)
        await install_both(served, alpha)
        yield served, alpha


async def test_an_expiring_token_is_renewed_for_commands_and_digests(
    fake: FakeSlack, rotating: tuple[OAuthBot, Workspace]
) -> None:
    served, alpha = rotating
    first = fake.oauth.installs[-1].bot_token
    assert first.startswith("xoxe.xoxb-")
    await served.command(alpha, "/digest", "subscribe 07:00 UTC", channel_id="C0ALPHA1")
    assert "Subscribed" in (await fake.hook_post(1))["text"]
    renewals = [
        call
        for call in fake.calls_to("oauth.v2.access")
        if call.params.get("grant_type") == "refresh_token"
    ]
    assert len(renewals) == 1  # renewed once, before the command ran
    renewed = fake.bot_token(alpha.team_id)
    assert renewed != first

    await served.start_digests()
    served.clock.now = T0 + dt.timedelta(hours=1, minutes=5)
    await served.sweep()
    [post] = fake.posts_in(alpha.team_id)
    # The digest found the token itself, and renewed it again (an hour is always due).
    assert post.token == fake.bot_token(alpha.team_id)
    assert post.token not in (first, renewed)


async def test_two_replicas_renewing_one_token_at_once_spend_the_refresh_token_once(
    fake: FakeSlack, rotating: tuple[OAuthBot, Workspace]
) -> None:
    """Slack accepts a refresh token once: without the lock, the second replica's renewal is
    refused (invalid_refresh_token) and its users are told to reinstall."""
    served, alpha = rotating
    # Renewed tokens last 12 hours: renewed once, a token is no longer due.
    fake.oauth.app = dataclasses.replace(fake.oauth.app, token_lifetime=43200)
    other = DisputeBot(served.settings, dossier=served.bot.core.library)  # another process
    replicas = [served.installations, await other.open_installations()]
    for replica in replicas:  # both connected already, so that they really race
        assert await replica.async_find_installation(enterprise_id=None, team_id=alpha.team_id)
    fake.delays["oauth.v2.access"] = 0.3  # Slack is slow to renew: the other one asks too
    try:
        found = await asyncio.wait_for(
            asyncio.gather(*(r.bot(team(alpha)) for r in replicas for _ in range(3))), WAIT
        )
    finally:
        other.database.close()
    renewals = [c for c in fake.calls_to("oauth.v2.access") if c.params.get("grant_type")]
    assert len(renewals) == 1
    tokens = {bot.bot_token for bot in found if bot is not None}
    assert tokens == {fake.bot_token(alpha.team_id)}


async def test_an_article_shared_in_a_workspace_is_fetched_and_drafted_with_its_token(
    fake: FakeSlack, tmp_path: Path, dossier: Dossier
) -> None:
    """/draft in a DM (issue 13) runs with the token of the workspace it came from: the
    file is downloaded and the draft uploaded with it (the fake serves a file to no other)."""
    alpha = fake.add_workspace("T0002ALPHA", "Alpha Desk", channels=("D0ALPHADM",))
    editor = alpha.users[0]
    settings = oauth_settings(
        fake, database=str(tmp_path / "state.sqlite3"), slack_admins=(editor,)
    )  # an operator: in OAuth mode, only the members listed draft
    async with run_oauth_bot(fake, settings, dossier, clock=Clock(T0)) as served:
        await install_both(served, alpha)
        file = fake.files.share(
            ARTICLE.encode(), name="article.txt", team_id=alpha.team_id, user=editor
        )
        body = file_share_event(
            fixture("message_file_share.json"),
            [file],
            text="draft",
            user=editor,
            channel="D0ALPHADM",
        )
        body.update(team_id=alpha.team_id, authorizations=[alpha.authorization()])
        assert (await served.sender.event(body)).status == 200
        await fake.wait_until(lambda: fake.files.uploads, timeout=60)  # the model may load
    [upload] = fake.files.uploads
    assert fake.files.downloads == [(file["id"], "served")]
    assert (upload.team_id, upload.channel) == (alpha.team_id, "D0ALPHADM")
    assert upload.token == fake.bot_token(alpha.team_id)


async def test_the_installations_the_digest_and_the_preferences_share_one_database_engine(
    fake: FakeSlack, served: OAuthBot
) -> None:
    """One engine and one pool per process: one outage known to all, one set of connections
    counted against the server's limit, not one per part of the bot."""
    alpha, _ = two_workspaces(fake)
    await install_both(served, alpha)
    answer = await served.command(alpha, "/digest", "subscribe 08:00 paris")
    assert answer.status == 200, answer.body
    assert "08:00" in (await fake.hook_post(1))["text"]
    database = served.bot.database.get()
    assert served.installations.database is database
    assert served.bot.digest.store.database is database
    assert served.bot.preferences.store.database is database
    assert {served.installations.store.engine, database.engine} == {database.engine}
    runner = served.bot.service_runner(asyncio.Event())  # what probes /readyz and /metrics
    assert runner.database is (served.bot.database if served.settings.database_url else None)
    with database.engine.connect() as conn:  # the installations' tables: a part of the schema
        versions = conn.execute(sa.text("SELECT version FROM slack_oauth_schema")).all()
    assert [tuple(row) for row in versions] == [(1,)]


@pytest.mark.parametrize(
    "where",
    [
        "a-file/state.sqlite3",  # a file where the folder should be: no folder can be made
        "/proc/self/state.sqlite3",  # a folder where no file can be made, even by root
    ],
)
async def test_oauth_mode_on_an_unwritable_sqlite_folder_stops_with_one_clear_line(
    fake: FakeSlack, tmp_path: Path, where: str
) -> None:
    (tmp_path / "a-file").write_text("in the way\n")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        cwd=PROJECT_ROOT,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={
            **keep,
            "SLACK_CLIENT_ID": CLIENT_ID,
            "SLACK_CLIENT_SECRET": CLIENT_SECRET,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "PORT": "0",
            "DISPUTE_BOT_WATCH_SEEDS": "false",
            "DISPUTE_BOT_DIGEST_DATABASE": str(tmp_path / where),
        },
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    text = err.decode()
    assert process.returncode == 2, text
    assert "Traceback" not in text
    last = text.strip().splitlines()[-1]
    assert last.startswith("dispute-bot: Slack's OAuth mode keeps each workspace's installation")
    assert "state.sqlite3" in last and "digest_database" in last
    assert CLIENT_SECRET not in text


async def test_installations_made_before_their_tables_had_a_schema_version_are_kept(
    fake: FakeSlack, tmp_path: Path, dossier: Dossier
) -> None:
    """A deployment whose OAuth tables slack_sdk created (no version of their own yet) keeps
    its workspaces when the bot takes the tables into its schema."""
    from slack_sdk.oauth.installation_store.models.installation import Installation
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

    path = tmp_path / "state.sqlite3"
    engine = sa.create_engine(f"sqlite:///{path}")
    before = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=engine)
    before.create_tables()
    before.save(
        Installation(
            app_id="A1",
            team_id="T0OLD",
            bot_token="xoxb-old",
            bot_id="B1",
            bot_user_id="U0BOT",
            user_id="U1",
        )
    )
    engine.dispose()
    bot = DisputeBot(oauth_settings(fake, database=str(path)), dossier=dossier)
    try:
        installations = await bot.open_installations()
        found = await installations.bot(Team(team_id="T0OLD"))
        assert found is not None and found.bot_token == "xoxb-old"
    finally:
        bot.database.close()
