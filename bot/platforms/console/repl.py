"""An interactive prompt with history; each line is a command, answered as text."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TextIO

from bot.core import Core
from bot.i18n import t
from bot.platforms.console.render import render_text
from bot.platforms.console.session import Session

HISTORY = Path.home() / ".dispute_bot_history"


def _enable_history() -> None:
    try:
        import readline
    except ImportError:  # pragma: no cover - not on every platform
        return
    with contextlib.suppress(OSError):
        readline.read_history_file(HISTORY)
    readline.set_history_length(1000)
    import atexit

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(HISTORY)

    atexit.register(save)


def run_console(
    core: Core,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    *,
    dossier: str = "",
) -> int:
    """Read commands until end of input or /quit, answered from `dossier` (the default when
    empty); returns the exit status."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin.isatty()
    if interactive:
        _enable_history()
    stdout.write(t(core.settings.locale, "console.banner") + "\n")
    session = Session(core, dossier=dossier)
    while True:
        try:
            line = input("> ") if interactive else stdin.readline()
        except (EOFError, KeyboardInterrupt):
            stdout.write("\n")
            return 0
        if not interactive and line == "":
            return 0
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit", "quit", "exit"):
            return 0
        stdout.write(render_text(session.answer(line)))
        stdout.flush()
