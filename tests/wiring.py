"""What the composition root hands every platform shell, for tests that start one directly."""

from __future__ import annotations

from typing import Any

from bot.ops.inflight import REPLIES
from bot.ops.readiness import report

WIRING: dict[str, Any] = {"report": report, "in_flight": REPLIES}
