"""Files in the fake Discord: attachments given to a command option, and files a message sends.

A user's file given to an attachment option (type 11) reaches the bot as Discord sends it:
the option's value is the attachment's id, and `data.resolved.attachments` holds the object
(tests/fixtures/discord/resolved_attachment.json) whose `url` points at the CDN, here the
fake's `/ephemeral-attachments/...`, signed with `ex`, `is` and `hm` like Discord's; a URL
whose signature does not match answers 404, as an expired one does. A message with files is
a multipart/form-data body: `payload_json`, then `files[n]`; Discord refuses a file over the
interaction's `attachment_size_limit` with 40005 and lists the others as the message's
`attachments`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "discord"
_SIGNING_KEY = b"fake-discord-cdn"
ENTITY_TOO_LARGE = {"message": "Request entity too large", "code": 40005}


@dataclass(frozen=True, slots=True, kw_only=True)
class SentFile:
    """One `files[n]` part of a multipart body, as Discord received it."""

    field: str
    filename: str
    content_type: str
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


@dataclass
class DiscordFiles:
    """The fake's CDN of users' attachments, and what the bot sent as files."""

    base: Callable[[], str]  # the fake's http://127.0.0.1:port
    application_id: str
    snowflake: Callable[[], str]
    size_limit: int = 10_485_760  # the sample interaction's attachment_size_limit
    stored: dict[str, bytes] = field(default_factory=dict)  # attachment id -> bytes
    fetched: list[str] = field(default_factory=list)  # attachment ids the bot downloaded

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/ephemeral-attachments/{app}/{id}/{filename}", self._cdn)

    def attach(
        self,
        data: bytes,
        *,
        filename: str,
        content_type: str = "text/plain; charset=utf-8",
        size: int | None = None,
    ) -> dict[str, Any]:
        """A user picks `data` for an attachment option: the object `resolved` carries
        (`size` is what Discord declares, the bytes' length unless told)."""
        attachment: dict[str, Any] = json.loads(
            (FIXTURES / "resolved_attachment.json").read_text(encoding="utf-8")
        )
        attachment_id = self.snowflake()
        path = f"/ephemeral-attachments/{self.application_id}/{attachment_id}/{filename}"
        url = f"{self.base()}{path}?{_signature(path)}&"
        attachment.update(
            id=attachment_id,
            filename=filename,
            content_type=content_type,
            size=len(data) if size is None else size,
            url=url,
            proxy_url=url,
        )
        self.stored[attachment_id] = data
        return attachment

    async def _cdn(self, request: web.Request) -> web.Response:
        path = request.path
        expected = dict(part.split("=", 1) for part in _signature(path).split("&"))
        given = {key: request.query.get(key, "") for key in expected}
        attachment_id = request.match_info["id"]
        if attachment_id not in self.stored or not hmac.compare_digest(given["hm"], expected["hm"]):
            return web.Response(status=404, text="This content is no longer available.")
        self.fetched.append(attachment_id)
        return web.Response(body=self.stored[attachment_id], content_type="text/plain")

    def message_attachments(self, payload: dict[str, Any], files: list[SentFile]) -> list[Any]:
        """`attachments` of the message a multipart body creates, as Discord lists them."""
        listed = {str(a.get("id")): a for a in payload.get("attachments") or []}
        found = []
        for index, sent in enumerate(files):
            declared = listed.get(str(index), {})
            attachment_id = self.snowflake()
            path = f"/attachments/{self.application_id}/{attachment_id}/{sent.filename}"
            url = f"{self.base()}{path}?{_signature(path)}&"
            found.append(
                {
                    "id": attachment_id,
                    "filename": declared.get("filename", sent.filename),
                    "size": len(sent.data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": sent.content_type,
                }
            )
        return found


def _signature(path: str) -> str:
    """Discord's CDN query: `ex` (expiry, hex seconds), `is` (issued), `hm` (the signature)."""
    issued = int(time.time()) // 86400 * 86400
    expires = issued + 86400
    digest = hmac.new(_SIGNING_KEY, f"{path}{expires:x}{issued:x}".encode(), hashlib.sha256)
    return f"ex={expires:x}&is={issued:x}&hm={digest.hexdigest()}"


async def read_multipart(request: web.Request) -> tuple[dict[str, Any] | None, list[SentFile]]:
    """(payload_json, the files[n] parts) of a multipart/form-data body."""
    payload: dict[str, Any] | None = None
    files: list[SentFile] = []
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not hasattr(part, "read"):  # a nested multipart: Discord takes none
            continue
        name = part.name or ""
        data = bytes(await part.read())  # type: ignore[union-attr]
        if name == "payload_json":
            payload = json.loads(data)
        elif name.startswith("files["):
            files.append(
                SentFile(
                    field=name,
                    filename=part.filename or "",
                    content_type=part.headers.get("Content-Type", "application/octet-stream"),
                    data=data,
                )
            )
    return payload, files


def too_large(files: list[SentFile], limit: int) -> bool:
    return any(len(f.data) > limit for f in files)
