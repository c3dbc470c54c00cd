"""Every command, run by a user on Discord, answered through discord.py's CommandTree."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import build_core
from bot.core import Command, Context, Core, Option
from bot.platforms.discord.render import escape_markdown
from bot.reply import Layout, Reply, ReplyKind
from tests.discord.conftest import Bot, running
from tests.fakes.discord import (
    ALL_PERMISSIONS,
    EPHEMERAL,
    MANAGE_CHANNELS,
    MANAGE_GUILD,
    FakeDiscord,
)

CASES: list[tuple[str, dict[str, Any], str]] = [
    ("timeline", {}, "/timeline"),
    ("timeline", {"actor": "Pete Hegseth"}, "/timeline Pete Hegseth"),
    ("timeline", {"date": "2026-02-27", "page": 2}, "/timeline 2026-02-27 page 2"),
    ("timeline", {"keywords": "ultimatum"}, "/timeline ultimatum"),
    ("quote", {"speaker": "Donald Trump", "keywords": "woke"}, "/quote Donald Trump woke"),
    ("quote", {"page": 3}, "/quote page 3"),
    (
        "quote",
        {"keywords": "surveillance", "speaker": "Dario Amodei"},
        "/quote Dario Amodei surveillance",
    ),
    ("positions", {}, "/positions"),
    ("positions", {"subject": "Mass surveillance"}, "/positions Mass surveillance"),
    ("digest", {}, "/digest"),
    ("sources", {}, "/sources"),
    ("help", {}, "/help"),
    ("help", {"command": "quote"}, "/help quote"),
]


def page_line(reply: Reply) -> str | None:
    if reply.page is None or reply.page.count < 2:
        return None
    return f"Page {reply.page.number} of {reply.page.count}"


@pytest.mark.parametrize(("name", "options", "line"), CASES)
async def test_each_command_answers_with_the_cores_reply_as_an_embed(
    bot: Bot, name: str, options: dict[str, Any], line: str
) -> None:
    expected = bot.core.handle_line(line, platform="discord")
    _, answer = await bot.ask(name, **options)

    assert answer.kind == "callback" and answer.type == 4  # answered at once, no deferral
    assert answer.at < 1.0  # well inside Discord's 3-second window
    data = answer.data
    assert data["flags"] & EPHEMERAL  # visible to the caller only, by default
    [embed] = data["embeds"]
    assert embed["title"] == escape_markdown(expected.title)  # shown as written
    footer = embed.get("footer", {}).get("text", "")
    if page_line(expected):
        assert footer.startswith(page_line(expected) or "")
    if expected.items and expected.layout is Layout.LINES:  # one line each, in the description
        first = expected.items[0]
        assert f"**{escape_markdown(first.title)}** —" in embed["description"]
        assert "fields" not in embed  # the whole answer fits the description
    elif expected.items:
        first = expected.items[0]
        assert embed["fields"][0]["name"] == escape_markdown(first.title)
    for source in expected.sources:
        assert source.title in footer
    buttons = [b for row in data["components"] for b in row["components"]]
    assert buttons[-1]["custom_id"] == "dbot:share"
    assert buttons[-1]["label"] == "Share in channel"
    assert data["allowed_mentions"] == {"parse": []}


async def test_options_map_to_the_command_line_the_core_parses(bot: Bot) -> None:
    _, answer = await bot.ask("quote", speaker="Donald Trump", keywords="woke")
    [embed] = answer.data["embeds"]
    assert embed["title"] == "Quotes by Donald Trump"
    # "woke" ranks Trump's quote about the "woke company" first.
    assert "woke" in embed["fields"][0]["value"]


async def test_commands_are_synced_with_typed_options_and_autocomplete(bot: Bot) -> None:
    commands = {c["name"]: c for c in bot.fake.commands["global"]}
    assert set(commands) == set(bot.core.commands)
    assert {"timeline", "quote", "positions", "digest", "sources", "help"} <= set(commands)
    quote = {o["name"]: o for o in commands["quote"]["options"]}
    assert quote["speaker"]["type"] == 3 and quote["speaker"]["autocomplete"] is True
    assert quote["keywords"]["type"] == 3 and not quote["keywords"].get("autocomplete")
    assert quote["page"]["type"] == 4 and quote["page"]["min_value"] == 1
    assert commands["quote"]["description"].startswith("Who said what")
    assert commands["quote"]["description_localizations"]["fr"].startswith("Qui a dit quoi")
    # option help texts come from the catalogue, in English and French
    assert quote["speaker"]["description"] == "Who said it (Trump, Hegseth, Amodei...)"
    assert quote["speaker"]["description_localizations"]["fr"] == (
        "Qui l'a dit (Trump, Hegseth, Amodei...)"
    )
    assert commands["quote"]["default_member_permissions"] is None  # for everyone
    assert commands["quote"]["dm_permission"] is True
    timeline = {o["name"]: o for o in commands["timeline"]["options"]}
    assert timeline["actor"]["autocomplete"] and timeline["date"]["autocomplete"]
    assert {o["name"] for o in commands["positions"]["options"]} == {"subject", "page"}
    assert commands["help"]["options"][0]["autocomplete"] is True


async def test_public_visibility_posts_for_everyone_without_a_share_button(
    fake: FakeDiscord, core: Core, make_settings: Any
) -> None:
    settings = make_settings(reply_visibility="public")
    core = build_core(settings, dossier=core.dossier, clock=core.clock)
    async with running(fake, core, settings) as bot:
        _, answer = await bot.ask("quote")
    assert not answer.data.get("flags", 0) & EPHEMERAL
    assert answer.message is not None and not answer.message["flags"] & EPHEMERAL
    custom_ids = [b["custom_id"] for row in answer.data["components"] for b in row["components"]]
    assert "dbot:share" not in custom_ids
    assert any(c.startswith("dbot:page:") for c in custom_ids)  # paging still works


def _who_asked(ctx: Context, args: Any) -> Reply:
    request = ctx.request
    text = (
        f"manage={request.can_manage} locale={ctx.locale} "
        f"user={request.user} channel={request.channel}"
    )
    return Reply(command="whoami", kind=ReplyKind.OK, title="whoami", text=text, locale=ctx.locale)


@pytest.fixture
def whoami_core(core: Core) -> Core:
    core.commands["whoami"] = Command(
        name="whoami",
        summary={"en": "Test-only: echo what the bot knows of the caller."},
        usage="/whoami",
        examples=(),
        options=(Option(name="note", description={"en": "Ignored"}),),
        run=_who_asked,
    )
    return core


@pytest.mark.parametrize(
    ("permissions", "in_guild", "manage"),
    [
        (ALL_PERMISSIONS, True, True),
        (ALL_PERMISSIONS & ~MANAGE_CHANNELS, True, False),
        (ALL_PERMISSIONS, False, False),  # a DM has no member, hence no Manage Channels
    ],
)
async def test_request_carries_manage_channels_user_and_channel(
    fake: FakeDiscord,
    whoami_core: Core,
    settings: Any,
    permissions: int,
    in_guild: bool,
    manage: bool,
) -> None:
    async with running(fake, whoami_core, settings) as bot:
        interaction = await fake.invoke("whoami", permissions=permissions, in_guild=in_guild)
        answer = await fake.next_answer(interaction)
    text = answer.data["embeds"][0]["description"]
    assert f"manage={manage}" in text
    assert f"user={fake.user['id']}" in text
    assert f"channel={interaction.payload['channel_id']}" in text
    assert bot.core is whoami_core


@pytest.mark.parametrize(
    ("locale", "follow", "expected"),
    [("fr", True, "fr"), ("en-GB", True, "en"), ("fr", False, "en"), ("de", True, "en")],
)
async def test_locale_follows_the_users_discord_language_when_allowed(
    fake: FakeDiscord, core: Core, make_settings: Any, locale: str, follow: bool, expected: str
) -> None:
    settings = make_settings(follow_user_locale=follow)
    core = build_core(settings, dossier=core.dossier, clock=core.clock)
    async with running(fake, core, settings):
        interaction = await fake.invoke("quote", locale=locale, speaker="Donald Trump")
        answer = await fake.next_answer(interaction)
    [embed] = answer.data["embeds"]
    title = {"fr": "Citations de Donald Trump", "en": "Quotes by Donald Trump"}[expected]
    assert embed["title"] == title
    share = answer.data["components"][0]["components"][-1]["label"]
    assert share == {"fr": "Partager dans le canal", "en": "Share in channel"}[expected]
    field_names = {f["name"] for f in embed["fields"]}
    assert ("Auteur" in field_names) == (expected == "fr")


async def test_admin_commands_are_hidden_from_members_who_cannot_manage_channels(
    fake: FakeDiscord, core: Core, settings: Any
) -> None:
    core.commands["purge"] = Command(
        name="purge",
        summary={"en": "Test-only admin command."},
        usage="/purge",
        examples=(),
        admin=True,
        run=_who_asked,
    )
    async with running(fake, core, settings):
        pass
    commands = {c["name"]: c for c in fake.commands["global"]}
    for name in [n for n, c in core.commands.items() if c.admin]:
        needed = MANAGE_GUILD if core.commands[name].team_admin else MANAGE_CHANNELS
        assert commands[name]["default_member_permissions"] == str(needed)
        assert commands[name]["dm_permission"] is False
    assert commands["settings"]["default_member_permissions"] == str(MANAGE_GUILD)
    assert commands["use"]["default_member_permissions"] == str(MANAGE_CHANNELS)
    assert "purge" in commands
