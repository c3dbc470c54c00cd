"""What `/readyz` reports: each platform says whether it is connected, the runtime adds the rest.

A platform calls `report("slack", True, "socket mode connected")` once connected and
`report("slack", False, "reconnecting")` when it loses the connection. The runtime registers
every platform it starts as not connected yet, so one that never reports keeps the bot unready.
Ready means able to answer commands: what the bot does not need for that (the digest, the
database) is registered as not `needed`, reported beside the checks, never making it unready.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    name: str
    ok: bool
    detail: str = ""
    needed: bool = True  # whether the bot needs it to answer commands


class Readiness:
    """Thread-safe named checks, plus the shutdown flag that makes the bot unready at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checks: dict[str, Check] = {}
        self._stopping = False

    def expect(self, name: str, detail: str = "starting", *, needed: bool = True) -> None:
        """`name` must report before the bot is ready (if `needed`: else it is only shown)."""
        with self._lock:
            self._checks[name] = Check(name=name, ok=False, detail=detail, needed=needed)

    def report(self, name: str, ok: bool, detail: str = "") -> None:
        with self._lock:
            before = self._checks.get(name)
            needed = before.needed if before is not None else True
            self._checks[name] = Check(name=name, ok=ok, detail=detail, needed=needed)

    def forget(self, name: str) -> None:
        with self._lock:
            self._checks.pop(name, None)

    def reset(self) -> None:
        """A fresh start: no checks, not stopping."""
        with self._lock:
            self._checks.clear()
            self._stopping = False

    def stopping(self) -> None:
        """Shutdown began: report unready so no new work is routed here."""
        with self._lock:
            self._stopping = True

    def checks(self) -> tuple[Check, ...]:
        with self._lock:
            found = tuple(self._checks.values())
        if self._stopping:
            found += (Check(name="shutdown", ok=False, detail="stopping"),)
        return found


READINESS = Readiness()


def report(name: str, ok: bool, detail: str = "") -> None:
    """Tell `/readyz` whether `name` (a platform, usually) is connected."""
    READINESS.report(name, ok, detail)
