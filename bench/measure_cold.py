"""Cold start: `dispute-bot ask "/quote trump"` against `python -c "import yaml, rapidfuzz"`.

Both run as fresh processes, alternated so that load on the machine hits both alike; each
is run once first so Python's bytecode caches are warm, as they are after installation.
Also checks that a console answer imports no platform library.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.stats import median

PLATFORM_LIBRARIES = ("slack_bolt", "slack_sdk", "discord", "aiohttp", "apscheduler", "sqlalchemy")
_IMPORT_PROBE = """
import contextlib, io, json, sys
from bot.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["ask", "/quote trump"])
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _environment() -> dict[str, str]:
    """The caller's environment without settings that would change what `ask` loads."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISPUTE_BOT_", "SLACK_", "DISCORD_")) and k != "DATABASE_URL"
    }


def _seconds(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(runs: int) -> dict[str, object]:
    env = _environment()
    bin_dir = Path(sys.executable).parent
    commands = {
        "ask": [str(bin_dir / "dispute-bot"), "ask", "/quote trump"],
        "bare_import": [sys.executable, "-c", "import yaml, rapidfuzz"],
        "python_only": [sys.executable, "-c", "pass"],
    }
    for command in commands.values():
        _seconds(command, env)  # warm the bytecode caches
    spent: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            spent[name].append(_seconds(command, env))
    probe = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE], env=env, check=True, capture_output=True, text=True
    )
    modules = json.loads(probe.stdout.strip().splitlines()[-1])
    medians = {name: median(values) for name, values in spent.items()}
    return {
        "runs": runs,
        "median_s": medians,
        "ratio": medians["ask"] / medians["bare_import"],
        "platform_libraries_imported": [m for m in PLATFORM_LIBRARIES if m in modules],
        "asyncio_imported": "asyncio" in modules,
    }


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 15)))
