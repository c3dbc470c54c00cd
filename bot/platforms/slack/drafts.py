"""/draft on Slack: an article handed over in a direct message or a mention, its draft sent back
as a file in the thread.

Slash commands carry no files, so an admin hands an article over in a message to the bot: a
file shared in the DM (alone, or with the word `draft`), `@dispute-bot draft` with a file in
a channel, or `draft` followed by the pasted text. The bot says it is drafting at once, fetches
the file with its own token (`url_private_download`, `files:read`; never more than the
command takes, within FETCH_SECONDS, and only from Slack's own file host), lets the core draft
it in a worker thread, turns its "drafting…" message into the summary, and uploads the YAML
into the thread (files.getUploadURLExternal and files.completeUploadExternal, `files:write`).
Whoever is not one of the bot's operators gets the core's one-line refusal, and nothing is fetched.
"""

from __future__ import annotations

import logging
import re
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
from msgspec import structs
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import MAX_ATTACHMENT_BYTES, Request
from bot.i18n import t
from bot.platforms.slack.client import api_error_code
from bot.platforms.slack.inbound import readable
from bot.platforms.slack.mrkdwn import unescape
from bot.platforms.slack.render import build_message
from bot.reply import Attachment, Reply, ReplyKind

log = logging.getLogger("dispute_bot.slack")

DRAFT = "draft"
FETCH_SECONDS = 20.0  # the most a file download may take, connection included
_CHUNK = 16_384
_LEADING_MENTIONS = re.compile(r"^(?:\s*<@[A-Z0-9]+(?:\|[^>]*)?>\s*)+")
_ENTITY = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")  # <https://x|label>, <@U1>, <#C1|general>
_DRAFT_WORD = re.compile(r"^/?draft(?=\s|$)\s*", re.IGNORECASE)


def as_typed(text: str) -> str:
    """A message's text as the person typed or pasted it: the leading bot mention dropped,
    Slack's links and mentions back to their words (`<https://x|x>` -> `x`), `&amp;`,
    `&lt;` and `&gt;` undone, line breaks kept."""
    text = _LEADING_MENTIONS.sub("", text)
    text = _ENTITY.sub(lambda m: m[2] if m[2] is not None else m[1].lstrip("!"), text)
    return readable(unescape(text)).strip()


def files_of(event: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [f for f in event.get("files") or [] if isinstance(f, dict)]


def wants_draft(event: Mapping[str, Any]) -> bool:
    """A message asking for a draft: `draft` and a text or a file, or a file with no words."""
    text = as_typed(str(event.get("text") or ""))
    return bool(_DRAFT_WORD.match(text)) or (bool(files_of(event)) and not text)


def draft_request(event: Mapping[str, Any], request: Request) -> Request:
    """The request as /draft, its argument the text pasted after `draft`, exactly."""
    pasted = _DRAFT_WORD.sub("", as_typed(str(event.get("text") or "")), count=1)
    return structs.replace(request, command=DRAFT, args=pasted)


class _Refused(Exception):
    """Slack would not hand the file to this token (it redirects to its sign-in page)."""


def _file_origins(api_url: str) -> set[tuple[str, str]]:
    """Where Slack serves files for this Web API: `files.slack.com` for slack.com (and
    `files.<host>` for GovSlack or a proxy), or the API's own host, over the API's scheme.
    The bot's token goes nowhere else, whatever a file's URL says."""
    parts = urllib.parse.urlsplit(api_url)
    host = parts.hostname or ""
    return {(parts.scheme, host), (parts.scheme, f"files.{host}")}


class SlackDrafts:
    """Answers a draft asked for in a message; `answer` runs the core off the event loop."""

    def __init__(
        self,
        *,
        client: AsyncWebClient,
        session: aiohttp.ClientSession | None,
        locale: str,
        answer: Callable[[Request], Awaitable[Reply]],
    ) -> None:
        self.client = client
        self.session = session
        self.locale = locale
        self.answer = answer
        self.origins = _file_origins(str(client.base_url))

    async def reply(self, event: Mapping[str, Any], request: Request) -> None:
        """Say "drafting…", fetch the article, draft it, show the summary and send the file."""
        channel = str(event["channel"])
        thread = str(event.get("thread_ts") or event["ts"])
        files = files_of(event)
        name = str(files[0].get("name") or "") if files else t(self.locale, "draft.pasted")
        note = self._reply(ReplyKind.OK, t(self.locale, "draft.working", name=name))
        working = await self.client.chat_postMessage(
            channel=channel,
            thread_ts=thread,
            unfurl_links=False,
            unfurl_media=False,
            **build_message(note, share_line=None),
        )
        if len(files) > 1:
            reply = self._refusal(t(self.locale, "draft.one_file", count=len(files)))
        elif files:
            fetched = await self.fetch(files[0])
            if isinstance(fetched, Attachment):
                reply = await self.answer(structs.replace(request, attachment=fetched, args=""))
            else:
                reply = self._refusal(fetched)
        else:
            reply = await self.answer(request)
        await self.client.chat_update(
            channel=channel, ts=str(working["ts"]), **build_message(reply, share_line=None)
        )
        for attachment in reply.attachments:
            await self.send(channel, thread, attachment)

    async def fetch(self, file: dict[str, Any]) -> Attachment | str:
        """The shared file (no more of it than MAX_ATTACHMENT_BYTES + 1), or why not, in a line."""
        if not file.get("url_private_download") or "size" not in file:
            # Slack leaves a file's details out of some events ("file_access": "check_file_info").
            try:
                info = await self.client.files_info(file=str(file.get("id") or ""))
            except SlackApiError as exc:
                log.warning("slack: files.info refused: %s", api_error_code(exc) or "error")
                return self._fetch_failed(file)
            file = dict(info.get("file") or {})
        name = str(file.get("name") or file.get("title") or "article.txt")
        media_type = str(file.get("mimetype") or "application/octet-stream")
        size = int(file.get("size") or 0)
        if size > MAX_ATTACHMENT_BYTES:  # not fetched: the command refuses it as too big
            return Attachment(name=name, media_type=media_type, data=b"", declared_size=size)
        url = str(file.get("url_private_download") or "")
        parts = urllib.parse.urlsplit(url)
        if (parts.scheme, parts.hostname or "") not in self.origins:
            log.warning("slack: a shared file is not on Slack's file host; not fetched")
            return self._fetch_failed(file)
        try:
            data = await self._download(url)
        except _Refused:
            return t(self.locale, "draft.fetch_refused", name=name)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("slack: downloading a shared file failed: %s", type(exc).__name__)
            return self._fetch_failed(file)
        return Attachment(name=name, media_type=media_type, data=data, declared_size=size)

    async def _download(self, url: str) -> bytes:
        """GET with the bot's token, no redirect followed (Slack redirects a token it will not
        serve a file to its sign-in page), reading at most one byte over the limit."""
        headers = {"Authorization": f"Bearer {self.client.token}"}
        timeout = aiohttp.ClientTimeout(total=FETCH_SECONDS)
        own = self.session is None
        session = aiohttp.ClientSession() if own else self.session
        assert session is not None
        try:
            async with session.get(
                url, headers=headers, allow_redirects=False, timeout=timeout
            ) as response:
                if 300 <= response.status < 400 or response.status in (401, 403):
                    raise _Refused(response.status)
                response.raise_for_status()
                data = bytearray()
                while len(data) <= MAX_ATTACHMENT_BYTES:
                    chunk = await response.content.read(_CHUNK)
                    if not chunk:
                        break
                    data += chunk
                return bytes(data[: MAX_ATTACHMENT_BYTES + 1])
        finally:
            if own:
                await session.close()

    async def send(self, channel: str, thread: str, attachment: Attachment) -> None:
        """Upload a reply's file into the thread; if Slack refuses it, say so there."""
        try:
            await self.client.files_upload_v2(
                channel=channel,
                thread_ts=thread,
                content=attachment.data,
                filename=attachment.name,
                title=attachment.name,
            )
        except SlackApiError as exc:
            error = api_error_code(exc) or "error"
            log.warning("slack: uploading a draft failed: %s", error)
            message = self._refusal(t(self.locale, "draft.send_failed", error=error))
            await self.client.chat_postMessage(
                channel=channel, thread_ts=thread, **build_message(message, share_line=None)
            )

    def _fetch_failed(self, file: Mapping[str, Any]) -> str:
        return t(self.locale, "draft.fetch_failed", name=str(file.get("name") or "?"))

    def _refusal(self, text: str) -> Reply:
        return self._reply(ReplyKind.USAGE, text)

    def _reply(self, kind: ReplyKind, text: str) -> Reply:
        return Reply(command=DRAFT, kind=kind, title="/draft", text=text, locale=self.locale)
