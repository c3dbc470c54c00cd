"""The operators' commands on Slack (/reload, /draft act on the whole deployment): only the
members `slack_admins` lists, never a workspace's own admins, and in OAuth mode nobody at all
when the list is empty. Signed HTTP requests through Bolt, against the fake Slack."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.app import build_core
from bot.dossier import Dossier
from tests.dossiers import two_dossiers
from tests.draft.review import ARTICLE
from tests.fakes.slack import DEFAULT_TEAM, FakeSlack, fixture
from tests.fakes.slack_files import file_share_event
from tests.slack.conftest import NOW, MakeSettings, RunBot
from tests.slack.oauth_bot import Clock, oauth_settings, run_oauth_bot
from tests.slack.test_dossiers import Typist
from tests.slack.test_http_mode import texts

OPERATOR, OWNER, READER = "U0ADMIN", "U0OWNER", "U0REPORTER"
REFUSED = "Only the operators of this bot can use /dispute reload."  # as typed in Slack
RELOADED = "2 dossiers read again."


async def test_only_the_listed_members_reload_not_the_workspaces_own_admins(
    run_http_bot: RunBot, fake: FakeSlack, make_settings: MakeSettings, tmp_path: Path
) -> None:
    seeds = two_dossiers(tmp_path)
    fake.workspaces[DEFAULT_TEAM] = dataclasses.replace(fake.workspace(), admins=(OWNER,))
    settings = make_settings(seeds=seeds, slack_admins=(OPERATOR,))
    core = build_core(settings, clock=lambda: NOW, eager=True)
    async with run_http_bot(core=core, seeds=seeds, slack_admins=(OPERATOR,)) as slack:
        typed = Typist(slack, fake)
        for user in (READER, OWNER):
            refused = await typed("/dispute", "reload", user=user)
            assert REFUSED in texts(refused) and RELOADED not in texts(refused)
        # The workspace's owner still manages its channels: an admin, not an operator.
        chose = await typed("/dispute", "use stadium", channel="C0STADIUM", user=OWNER)
        assert "This channel now follows" in texts(chose)
        done = await typed("/dispute", "reload", user=OPERATOR)
    assert RELOADED in texts(done)


async def test_the_refusal_names_the_umbrella_command_as_renamed_in_this_slack(
    run_http_bot: RunBot, fake: FakeSlack, make_settings: MakeSettings, tmp_path: Path
) -> None:
    """A deployment that renamed `/dispute` to `/afp`: the refusal names what its members
    type, `/afp reload`, not a `/reload` Slack does not have."""
    seeds = two_dossiers(tmp_path)
    renamed = {"dispute": "/afp"}
    settings = make_settings(seeds=seeds, slack_admins=(OPERATOR,), slack_commands=renamed)
    core = build_core(settings, clock=lambda: NOW, eager=True)
    async with run_http_bot(
        core=core, seeds=seeds, slack_admins=(OPERATOR,), slack_commands=renamed
    ) as slack:
        refused = await Typist(slack, fake)("/afp", "reload", user=READER)
    assert "Only the operators of this bot can use /afp reload." in texts(refused)
    assert RELOADED not in texts(refused)


async def test_with_one_token_an_empty_list_keeps_every_member_an_operator(
    run_http_bot: RunBot, fake: FakeSlack, make_settings: MakeSettings, tmp_path: Path
) -> None:
    """The historical default of the single-token mode: the one workspace is the operator's."""
    seeds = two_dossiers(tmp_path)
    core = build_core(make_settings(seeds=seeds), clock=lambda: NOW, eager=True)
    async with run_http_bot(core=core, seeds=seeds) as slack:
        done = await Typist(slack, fake)("/dispute", "reload", user=READER)
    assert RELOADED in texts(done)


def shared_article(fake: FakeSlack, team_id: str, user: str, channel: str) -> dict[str, object]:
    file = fake.files.share(ARTICLE.encode(), name="article.txt", team_id=team_id, user=user)
    return file_share_event(
        fixture("message_file_share.json"), [file], text="draft", user=user, channel=channel
    )


async def test_in_oauth_mode_an_empty_list_makes_nobody_an_operator(
    fake: FakeSlack, tmp_path: Path, dossier: Dossier
) -> None:
    """Anyone may install the app in a workspace of their own: being a member (or its
    owner) there must not reload the deployment nor start a draft."""
    settings = oauth_settings(fake, database=str(tmp_path / "state.sqlite3"))
    assert settings.slack_admins == ()
    async with run_oauth_bot(fake, settings, dossier, clock=Clock(NOW)) as served:
        stranger = fake.add_workspace("T0002ALPHA", "Alpha", channels=("D0ALPHADM", "C0ALPHA"))
        status, page = await served.install(stranger)
        assert status == 200 and "Thank you!" in page
        member = stranger.users[0]
        answer = await served.command(stranger, "/dispute", "reload", user_id=member)
        assert answer.status == 200
        refused = await fake.hook_post(1)
        assert REFUSED in texts(refused)
        body = shared_article(fake, stranger.team_id, member, "D0ALPHADM")
        body.update(team_id=stranger.team_id, authorizations=[stranger.authorization()])
        assert (await served.sender.event(body)).status == 200
        told = await fake.post(stranger.team_id)
    assert "Only the operators of this bot can use /dispute draft." in told.text
    assert fake.files.downloads == [] and fake.files.uploads == []  # nothing fetched


@pytest.mark.parametrize("listed", [True, False])
async def test_in_oauth_mode_a_listed_member_reloads(
    fake: FakeSlack, tmp_path: Path, dossier: Dossier, listed: bool
) -> None:
    alpha = fake.add_workspace("T0002ALPHA", "Alpha", channels=("C0ALPHA",))
    member = alpha.users[0]
    admins = (member,) if listed else ("U0SOMEONEELSE",)
    settings = oauth_settings(fake, database=str(tmp_path / "state.sqlite3"), slack_admins=admins)
    async with run_oauth_bot(fake, settings, dossier, clock=Clock(NOW)) as served:
        await served.install(alpha)
        await served.command(alpha, "/dispute", "reload", user_id=member)
        reply = await fake.hook_post(1)
    assert (REFUSED in texts(reply)) is not listed
    assert ("reloaded" in texts(reply)) is listed
