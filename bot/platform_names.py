"""The chat platforms' names, said once: where channels, teams, digests and the commands'
platform hints exist (the console and stdin have none of them)."""

from __future__ import annotations

PLATFORMS: tuple[str, ...] = ("slack", "discord")
