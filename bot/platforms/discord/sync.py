"""Sync application commands only when they changed, so restarts stay clear of the rate limit.

Discord allows 200 command creations a day per guild; a bot that syncs on every start
burns through that in a crash loop. The hash of the last payload Discord accepted is kept
in a small file next to the bot's database (`digest_database`'s folder, `data/` by
default), one per application and target: `discord-commands-<app id>-<guild id|global>.sha256`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bot.config import Settings

log = logging.getLogger("dispute_bot.discord.sync")


def command_state_dir(settings: Settings) -> Path:
    """Where the command hash lives: beside the SQLite database file."""
    return Path(settings.digest_database).expanduser().resolve().parent


def hash_path(state_dir: Path, application_id: int, guild: discord.abc.Snowflake | None) -> Path:
    target = str(guild.id) if guild is not None else "global"
    return state_dir / f"discord-commands-{application_id}-{target}.sha256"


async def command_payload(
    tree: app_commands.CommandTree[Any], guild: discord.abc.Snowflake | None
) -> list[dict[str, Any]]:
    """The JSON `tree.sync(guild=guild)` sends, translations included."""
    commands = tree.get_commands(guild=guild)
    translator = tree.translator
    if translator is not None:
        return [dict(await c.get_translated_payload(tree, translator)) for c in commands]
    return [dict(c.to_dict(tree)) for c in commands]


def payload_hash(payload: list[dict[str, Any]]) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _write(path: Path, digest: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_text(digest + "\n", encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        log.warning(
            "cannot record the synced commands in %s (%s): they will sync again next start",
            path,
            exc.strerror,
        )


async def sync_if_changed(
    tree: app_commands.CommandTree[Any],
    *,
    application_id: int,
    guild: discord.abc.Snowflake | None,
    state_dir: Path,
) -> bool:
    """Sync the tree to `guild` (or globally) unless Discord already has this exact set."""
    path = hash_path(state_dir, application_id, guild)
    digest = payload_hash(await command_payload(tree, guild))
    where = f"guild {guild.id}" if guild is not None else "every server (global)"
    if _read(path) == digest:
        log.info("discord commands unchanged for %s: not syncing", where)
        return False
    synced = await tree.sync(guild=guild)
    _write(path, digest)
    log.info("synced %d discord commands to %s", len(synced), where)
    return True
