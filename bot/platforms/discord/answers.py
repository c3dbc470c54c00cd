"""Answers Discord interactions with the core: commands, autocomplete, Previous/Next, Share.

The core's handlers are synchronous, so they run in a worker thread; when one takes longer
than `defer_after` the interaction is deferred first (Discord allows 3 seconds to answer)
and the reply follows up. A command given a file (/draft) is deferred at once ("thinking…"),
the file read, and the reply follows up with its own files. Every failure ends in a short
ephemeral apology, logged with its traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import discord
from discord import app_commands
from msgspec import structs

from bot.config import Settings
from bot.core import Command, Core, Request
from bot.hooks import RepliesInFlight
from bot.i18n import t
from bot.platforms.discord.attachments import fetch, files
from bot.platforms.discord.commands import FILE, options_to_args
from bot.platforms.discord.custom_ids import SHARE_ID, line_from_custom_id
from bot.platforms.discord.render import clip, escape_crowd_mentions, render_message
from bot.platforms.discord.views import build_view, specs_from_components, specs_from_message
from bot.reply import Reply, ReplyKind

log = logging.getLogger("dispute_bot.discord")

LOCALE_SECONDS = 1.0  # the most a platform sentence waits for the server's language
DEFER_AFTER = 1.0  # seconds; well inside Discord's 3-second window, network included
CHOICE_LIMIT = 25
CHOICE_TEXT_LIMIT = 100


def can_manage(interaction: discord.Interaction) -> bool:
    """Manage Channels in this channel (the member's permissions, overwrites included).

    Never in a DM: there is no member there, and admin commands act beyond the channel.
    """
    return interaction.guild_id is not None and interaction.permissions.manage_channels


def can_configure(interaction: discord.Interaction) -> bool:
    """Manage Server: the server's settings (/settings). Never in a DM."""
    return interaction.guild_id is not None and interaction.permissions.manage_guild


def is_operator(settings: Settings, interaction: discord.Interaction) -> bool:
    """One of the bot's operators (`discord_operators`), who may run /reload and /draft: no
    Discord permission is enough, those commands acting on the whole deployment."""
    user = interaction.user
    return user is not None and str(user.id) in settings.discord_operators


def message_kwargs(
    message: dict[str, Any], *, editing: bool = False, reply: Reply | None = None
) -> dict[str, Any]:
    """A rendered message body as discord.py send/edit arguments, with `reply`'s files."""
    kwargs: dict[str, Any] = {
        "embeds": [discord.Embed.from_dict(embed) for embed in message["embeds"]],
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    if message["content"] or editing:
        kwargs["content"] = message["content"] or None
    view = build_view(specs_from_components(message["components"]))
    if view is not None or editing:
        kwargs["view"] = view
    if reply is not None and reply.attachments:
        kwargs["files"] = files(reply.attachments)
    return kwargs


class Answers:
    """The interaction logic of the Discord platform, shared by every shard."""

    def __init__(
        self,
        core: Core,
        settings: Settings,
        *,
        in_flight: RepliesInFlight,
        defer_after: float = DEFER_AFTER,
    ):
        self.core = core
        self.settings = settings
        self.in_flight = in_flight  # the root's count of replies a shutdown waits for
        self.defer_after = defer_after
        # Set when the bot stops: a new interaction gets a short "stopping" answer, while those
        # already being answered finish (bot.platforms.discord.client.run_client drains them).
        self.stopping = False

    async def refused_while_stopping(self, interaction: discord.Interaction) -> bool:
        """When stopping, tell the user briefly (privately) to try again, and say True."""
        if not self.stopping:
            return False
        async with self.in_flight.reply():
            await interaction.response.send_message(
                t(await self.locale(interaction), "stopping"),
                ephemeral=True,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        return True

    @property
    def public(self) -> bool:
        """The deployment's visibility: what a slow answer is deferred with, before the
        server's own (the reply's) is known."""
        return self.settings.reply_visibility == "public"

    def context(self, interaction: discord.Interaction) -> dict[str, Any]:
        """What a Request needs to know about who asked, where, and in which language."""
        return {
            "locale": interaction.locale.value,
            "platform": "discord",
            "user": str(interaction.user.id) if interaction.user else "",
            "channel": str(interaction.channel_id or ""),
            "team": str(interaction.guild_id or ""),
            "can_manage": can_manage(interaction),
            "can_configure": can_configure(interaction),
            "is_operator": is_operator(self.settings, interaction),
        }

    async def locale(self, interaction: discord.Interaction) -> str:
        """The server's language (its settings, a recent copy will do; not waited for more
        than LOCALE_SECONDS), else the user's or the deployment's, for what the platform says
        itself: "stopping", "expired", an apology, a file it could not read."""
        request = Request(command="", **self.context(interaction))
        place = None
        if request.team:
            with contextlib.suppress(Exception):
                place = await asyncio.wait_for(
                    asyncio.to_thread(self.core.place, request, fresh=False), LOCALE_SECONDS
                )
        return self.core.locale_for(request, place)

    async def _run(
        self, request: Request, defer: Callable[[], Awaitable[object]]
    ) -> tuple[Reply, bool]:
        """The core's reply, and whether the interaction had to be deferred to wait for it."""
        work = asyncio.ensure_future(asyncio.to_thread(self.core.handle, request))
        done, _ = await asyncio.wait({work}, timeout=self.defer_after)
        if done:
            return work.result(), False
        log.info("/%s is slow: deferring the interaction", self.core.log_name(request.command))
        await defer()
        return await work, True

    async def answer_command(
        self, interaction: discord.Interaction, command: Command, values: Mapping[str, Any]
    ) -> None:
        if await self.refused_while_stopping(interaction):
            return
        args = options_to_args(command, values)
        request = Request(command=command.name, args=args, **self.context(interaction))
        given = [values.get(o.name) for o in command.options if o.kind == FILE]
        attachment = next((v for v in given if isinstance(v, discord.Attachment)), None)
        if attachment is not None and request.is_operator:
            await self.answer_with_file(interaction, request, attachment)
        else:  # nothing to fetch, or not for this member: the core says so
            await self.answer(interaction, request)

    async def answer_with_file(
        self, interaction: discord.Interaction, request: Request, attachment: discord.Attachment
    ) -> None:
        """Defer at once (reading the file and drafting can take seconds), read the file,
        and follow up with the core's reply and its files."""
        async with self.in_flight.reply():
            await interaction.response.defer(ephemeral=not self.public, thinking=True)
            fetched = await fetch(attachment, await self.locale(interaction))
            if isinstance(fetched, str):
                reply = Reply(
                    command=request.command,
                    kind=ReplyKind.USAGE,
                    title=f"/{request.command}",
                    text=fetched,
                    locale=await self.locale(interaction),
                )
            else:
                with_file = structs.replace(request, attachment=fetched)
                reply = await asyncio.to_thread(self.core.handle, with_file)
            await self._deliver(interaction, reply, deferred=True)

    async def answer_unknown(self, interaction: discord.Interaction, name: str) -> None:
        await self.answer(interaction, Request(command=name, **self.context(interaction)))

    async def answer(self, interaction: discord.Interaction, request: Request) -> None:
        """Run `request` and answer the slash command with its reply (deferring if slow)."""
        async with self.in_flight.reply():
            await self._answer(interaction, request)

    async def _answer(self, interaction: discord.Interaction, request: Request) -> None:
        reply, deferred = await self._run(
            request,
            lambda: interaction.response.defer(ephemeral=not self.public, thinking=True),
        )
        await self._deliver(interaction, reply, deferred=deferred)

    async def _deliver(
        self, interaction: discord.Interaction, reply: Reply, *, deferred: bool
    ) -> None:
        """The reply as the interaction's answer, or as the follow-up of its deferral (made
        as the config says, before the server's own visibility, the reply's, was known)."""
        public = reply.visibility == "public"  # the server's choice, else the config's
        ephemeral = not public or reply.kind is ReplyKind.ERROR
        share = not public and reply.ok and not reply.attachments
        message = render_message(reply, share_button=share)
        kwargs = message_kwargs(message, reply=reply)
        if not deferred:
            await interaction.response.send_message(**kwargs, ephemeral=ephemeral)
        elif ephemeral == self.public:
            # The "thinking…" placeholder was shown as the config says, and a follow-up
            # keeps its visibility: remove it, and answer as the reply says.
            await interaction.delete_original_response()
            await interaction.followup.send(**kwargs, ephemeral=ephemeral)
        else:
            await interaction.followup.send(**kwargs, ephemeral=ephemeral)

    async def complete(
        self, interaction: discord.Interaction, kind: str, current: str
    ) -> list[app_commands.Choice[str]]:
        if self.stopping:
            return []
        request = Request(command="", **self.context(interaction))
        found = await asyncio.to_thread(
            self.core.complete, kind, current or "", limit=CHOICE_LIMIT, request=request
        )
        choices = []
        for choice in found:
            name = clip(choice.name, CHOICE_TEXT_LIMIT)
            value = choice.value[:CHOICE_TEXT_LIMIT]
            if name.strip() and value.strip():
                choices.append(app_commands.Choice(name=name, value=value))
        return choices[:CHOICE_LIMIT]

    async def turn_page(self, interaction: discord.Interaction, custom_id: str) -> None:
        """Previous/Next: run the line the button carries and edit the message in place."""
        line = line_from_custom_id(custom_id)
        command = (line or "/").split()[0].lstrip("/")
        if await self.refused_while_stopping(interaction):
            return
        async with self.in_flight.reply():  # a shutdown waits for it
            try:
                if line is None:
                    await interaction.response.send_message(
                        t(await self.locale(interaction), "expired"),
                        ephemeral=True,
                        allowed_mentions=discord.AllowedMentions.none(),
                    )
                    return
                request = Request.parse(line, **self.context(interaction))
                reply, deferred = await self._run(request, interaction.response.defer)
                if reply.kind is ReplyKind.ERROR:
                    kwargs = message_kwargs(render_message(reply))
                    if deferred:
                        await interaction.followup.send(**kwargs, ephemeral=True)
                    else:
                        await interaction.response.send_message(**kwargs, ephemeral=True)
                    return
                keep_share = any(
                    s.custom_id == SHARE_ID for s in specs_from_message(interaction.message)
                )
                kwargs = message_kwargs(
                    render_message(reply, share_button=keep_share), editing=True
                )
                if deferred:
                    await interaction.edit_original_response(**kwargs)
                else:
                    await interaction.response.edit_message(**kwargs)
            except Exception as exc:
                await self.apologize(interaction, exc, command=command)

    async def share(self, interaction: discord.Interaction) -> None:
        """Share: post the answer this button sits under to the channel, for everyone."""
        if await self.refused_while_stopping(interaction):
            return
        async with self.in_flight.reply():  # a shutdown waits for it
            try:
                message = interaction.message
                if message is None:
                    return
                kwargs: dict[str, Any] = {
                    "embeds": message.embeds,
                    "allowed_mentions": discord.AllowedMentions.none(),
                }
                if message.content:
                    kwargs["content"] = escape_crowd_mentions(message.content)
                view = build_view(
                    [s for s in specs_from_message(message) if s.custom_id != SHARE_ID]
                )
                if view is not None:
                    kwargs["view"] = view
                await interaction.response.send_message(**kwargs)
            except Exception as exc:
                await self.apologize(interaction, exc, command="share")

    async def apologize(
        self, interaction: discord.Interaction, error: BaseException, *, command: str
    ) -> None:
        """Log the failure with its traceback; tell the user briefly, privately."""
        log.error(
            "discord interaction %s (/%s) failed",
            interaction.id,
            command if command == "share" else self.core.log_name(command),
            exc_info=(type(error), error, error.__traceback__),
        )
        try:
            if interaction.type is discord.InteractionType.autocomplete:
                if not interaction.response.is_done():
                    await interaction.response.autocomplete([])
                return
            kwargs: dict[str, Any] = {
                "content": t(await self.locale(interaction), "error", command=command),
                "ephemeral": True,
                "allowed_mentions": discord.AllowedMentions.none(),
            }
            if interaction.response.is_done():
                await interaction.followup.send(**kwargs)
            else:
                await interaction.response.send_message(**kwargs)
        except discord.HTTPException:
            log.warning("could not apologise for interaction %s", interaction.id, exc_info=True)
