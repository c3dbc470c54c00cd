"""Files in and out of Discord interactions: an attachment option read, a reply's files sent.

A file given to an option (/draft's `article`) arrives as a link to Discord's CDN in the
interaction's resolved data, with its size: a file over MAX_ATTACHMENT_BYTES is not fetched
(the command says it is too big), any other is read within FETCH_SECONDS. A reply's files go
with the message as a multipart upload.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Iterable

import aiohttp
import discord

from bot.core import MAX_ATTACHMENT_BYTES
from bot.i18n import t
from bot.reply import Attachment

log = logging.getLogger("dispute_bot.discord")

FETCH_SECONDS = 20.0


async def fetch(attachment: discord.Attachment, locale: str) -> Attachment | str:
    """The attachment's bytes for the core, or why they could not be read, in one line."""
    media_type = attachment.content_type or "application/octet-stream"
    if attachment.size > MAX_ATTACHMENT_BYTES:
        return Attachment(
            name=attachment.filename, media_type=media_type, data=b"", declared_size=attachment.size
        )
    try:
        data = await asyncio.wait_for(attachment.read(), FETCH_SECONDS)
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError) as exc:
        log.warning("discord: reading an attachment failed: %s", type(exc).__name__)
        return t(locale, "draft.fetch_failed", name=attachment.filename)
    return Attachment(
        name=attachment.filename,
        media_type=media_type,
        data=data[: MAX_ATTACHMENT_BYTES + 1],
        declared_size=max(attachment.size, len(data)),
    )


def files(attachments: Iterable[Attachment]) -> list[discord.File]:
    """A reply's files as discord.py sends them (multipart, `files[n]`)."""
    return [discord.File(io.BytesIO(a.data), filename=a.name) for a in attachments]
