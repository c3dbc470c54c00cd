"""The console platform: the same handlers, typed at a prompt, answered as plain text."""

from bot.platforms.console.render import render_json, render_text
from bot.platforms.console.repl import run_console
from bot.platforms.console.session import Session

__all__ = ["Session", "render_json", "render_text", "run_console"]
