"""Files in the fake Slack: what people share, and what the bot uploads.

A file a person shares has Slack's file object (from tests/fixtures/slack/
message_file_share.json) and is served at its `url_private_download` only to a token of its
workspace with `files:read`, sent as `Authorization: Bearer`; anything else is redirected to
the sign-in page, as Slack does. files.info answers a file's object. The bot uploads the way
Slack's current API asks (files.upload is retired): files.getUploadURLExternal (`files:write`)
gives an upload URL and a file id, the bytes are POSTed there, and
files.completeUploadExternal shares the file in a channel or a thread. Every completed
upload is recorded.
"""

from __future__ import annotations

import copy
import itertools
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.slack_workspaces import Token, Tokens, Workspace

Record = Callable[[list[Any], Any], Awaitable[None]]
Fixture = Callable[[str], Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class SharedFile:
    """A file a person shared: its object as events and files.info carry it, and its bytes."""

    id: str
    team_id: str
    data: bytes
    info: dict[str, Any]


@dataclass(slots=True, kw_only=True)
class Upload:
    """A file the bot uploaded: from the upload URL it was given to its share."""

    file_id: str
    team_id: str
    filename: str
    length: int
    token: str
    data: bytes | None = None  # once POSTed to the upload URL
    title: str = ""
    channel: str = ""
    thread_ts: str | None = None
    initial_comment: str | None = None
    completed: bool = False

    @property
    def text(self) -> str:
        return (self.data or b"").decode("utf-8")


@dataclass
class SlackFiles:
    """The fake Slack's files; `FakeSlack.files`."""

    base: Callable[[], str]  # the fake's http://127.0.0.1:port
    tokens: Tokens
    workspaces: dict[str, Workspace]
    record: Record
    fixture: Fixture
    now: Callable[[], float]
    shared: dict[str, SharedFile] = field(default_factory=dict)
    uploads: list[Upload] = field(default_factory=list)  # completed uploads, in order
    downloads: list[tuple[str, str]] = field(default_factory=list)  # (file id, outcome)
    _started: dict[str, Upload] = field(default_factory=dict)  # upload ticket -> upload
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def add_routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/files-pri/{team_file}/download/{name}", self._download)
        router.add_get("/files-pri/{team_file}/{name}", self._download)
        router.add_post("/upload/v1/{ticket}", self._upload)
        router.add_get("/signin", self._signin)

    # -- files people share ----------------------------------------------------------------

    def share(
        self,
        data: bytes,
        *,
        name: str,
        team_id: str,
        user: str,
        mimetype: str = "text/plain",
        size: int | None = None,
    ) -> dict[str, Any]:
        """A person shares `data` as `name`: the file object Slack then puts in the event
        (`size` is what Slack declares, the bytes' length unless told)."""
        recorded = self.fixture("message_file_share.json")["event"]["files"][0]
        file_id = f"F0{next(self._ids):09d}"
        team_file = f"{team_id}-{file_id}"
        info = copy.deepcopy(recorded)
        info.update(
            id=file_id,
            name=name,
            title=name,
            mimetype=mimetype,
            user=user,
            user_team=team_id,
            size=len(data) if size is None else size,
            url_private=f"{self.base()}/files-pri/{team_file}/{name}",
            url_private_download=f"{self.base()}/files-pri/{team_file}/download/{name}",
            preview=data[:200].decode("utf-8", "replace").split("\n")[0],
        )
        for key in ("permalink", "edit_link"):
            info[key] = str(info[key]).replace(recorded["id"], file_id)
        self.shared[file_id] = SharedFile(id=file_id, team_id=team_id, data=data, info=info)
        return copy.deepcopy(info)

    def _allowed(self, authorization: str, team_id: str, scope: str) -> bool:
        bearer = authorization[7:] if authorization.startswith("Bearer ") else ""
        token, refused = self.tokens.check(bearer, self.now())
        return (
            token is not None
            and refused is None
            and token.team_id == team_id
            and scope in token.scopes.split(",")
        )

    async def _download(self, request: web.Request) -> web.Response:
        team_id, _, file_id = request.match_info["team_file"].partition("-")
        shared = self.shared.get(file_id)
        if shared is None or shared.team_id != team_id:
            self.downloads.append((file_id, "not found"))
            return web.Response(status=404, text="File not found")
        if not self._allowed(request.headers.get("Authorization", ""), team_id, "files:read"):
            # Slack sends whoever it will not serve to its sign-in page (HTML, status 200).
            self.downloads.append((file_id, "sign-in"))
            raise web.HTTPFound(f"{self.base()}/signin?redir={request.path}")
        self.downloads.append((file_id, "served"))
        return web.Response(body=shared.data, content_type=str(shared.info["mimetype"]))

    async def _signin(self, request: web.Request) -> web.Response:
        page = "<!DOCTYPE html><html><head><title>Sign in | Slack</title></head></html>"
        return web.Response(text=page, content_type="text/html")

    # -- Web API ---------------------------------------------------------------------------

    async def api(
        self, method: str, workspace: Workspace, token: Token, params: dict[str, Any]
    ) -> web.Response:
        """files.info, files.getUploadURLExternal and files.completeUploadExternal."""
        needed = "files:read" if method == "files.info" else "files:write"
        headers = {"x-oauth-scopes": token.scopes}
        if needed not in token.scopes.split(","):
            answer = {"ok": False, "error": "missing_scope", "needed": needed}
            return web.json_response({**answer, "provided": token.scopes}, headers=headers)
        if method == "files.info":
            shared = self.shared.get(str(params.get("file", "")))
            if shared is None or shared.team_id != workspace.team_id:
                return web.json_response({"ok": False, "error": "file_not_found"})
            return web.json_response({"ok": True, "file": shared.info}, headers=headers)
        if method == "files.getUploadURLExternal":
            return self._start_upload(workspace, token, params)
        if method == "files.completeUploadExternal":
            return await self._complete(workspace, params)
        return web.json_response({"ok": False, "error": "unknown_method"})

    def _start_upload(
        self, workspace: Workspace, token: Token, params: dict[str, Any]
    ) -> web.Response:
        filename, length = str(params.get("filename") or ""), str(params.get("length") or "")
        if not filename or not length.isdigit() or int(length) == 0:
            return web.json_response({"ok": False, "error": "invalid_arguments"})
        ticket = secrets.token_urlsafe(16)
        upload = Upload(
            file_id=f"F0UP{next(self._ids):08d}",
            team_id=workspace.team_id,
            filename=filename,
            length=int(length),
            token=token.value,
        )
        self._started[ticket] = upload
        url = f"{self.base()}/upload/v1/{ticket}"
        return web.json_response({"ok": True, "upload_url": url, "file_id": upload.file_id})

    async def _upload(self, request: web.Request) -> web.Response:
        upload = self._started.get(request.match_info["ticket"])
        if upload is None:
            return web.Response(status=404, text="upload not found")
        data = await request.read()
        if len(data) != upload.length:  # Slack checks the length it was promised
            return web.Response(status=400, text=f"length mismatch: {len(data)}")
        upload.data = data
        return web.Response(text=f"OK - {len(data)}")

    async def _complete(self, workspace: Workspace, params: dict[str, Any]) -> web.Response:
        try:
            files = json.loads(str(params.get("files") or ""))
        except json.JSONDecodeError:
            return web.json_response({"ok": False, "error": "invalid_arguments"})
        by_id = {u.file_id: u for u in self._started.values()}
        chosen = [by_id.get(str(f.get("id"))) for f in files if isinstance(f, dict)]
        if not chosen or any(u is None or u.team_id != workspace.team_id for u in chosen):
            return web.json_response({"ok": False, "error": "file_not_found"})
        if any(u is not None and u.data is None for u in chosen):
            return web.json_response({"ok": False, "error": "file_upload_incomplete"})
        channel = str(params.get("channel_id") or "")
        if channel and not workspace.has_channel(channel):
            return web.json_response({"ok": False, "error": "channel_not_found"})
        answered = []
        for entry, upload in zip(files, chosen, strict=True):
            assert upload is not None
            upload.title = str(entry.get("title") or upload.filename)
            upload.channel = channel
            upload.thread_ts = params.get("thread_ts")
            upload.initial_comment = params.get("initial_comment")
            upload.completed = True
            await self.record(self.uploads, upload)
            answered.append({"id": upload.file_id, "title": upload.title})
        return web.json_response({"ok": True, "files": answered})


def file_share_event(
    recorded: dict[str, Any],
    files: list[dict[str, Any]],
    *,
    text: str,
    user: str,
    channel: str = "D0REPORTERDM",
    channel_type: str = "im",
    event_id: str | None = None,
) -> dict[str, Any]:
    """The `message` event (subtype `file_share`) of a person sharing `files` with `text`,
    from the recorded one (message_file_share.json)."""
    body = copy.deepcopy(recorded)
    event = body["event"]
    event.update(text=text, files=files, user=user, channel=channel, channel_type=channel_type)
    event["blocks"][0]["elements"][0]["elements"][0]["text"] = text
    if event_id is not None:
        body["event_id"] = event_id
    return body
