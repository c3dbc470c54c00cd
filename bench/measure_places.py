"""What a channel's command pays for its Place: the lookup of the dossier its channel follows
and its team's settings, on SQLite (a file) or PostgreSQL (`--database-url`).

The same command (`/quote trump`) is answered many times from no channel (the console: no
lookup), from a channel (a command: the database asked afresh), and as an autocomplete (an
answer kept `KEEP_SECONDS` stands in), alternated; the statements each sends are counted on
the engine. Channels follow dossiers and teams have settings, as in a deployment, so the
lookup finds rows.

Run as `python -m bench.measure_places [--runs 400] [--database-url postgresql://...]`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from msgspec import structs

from bench.stats import median, percentile
from bot.app import DisputeBot
from bot.config import Secret, load_settings
from bot.core import Request


def measure(runs: int, database_url: str | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        settings = structs.replace(
            load_settings(environ={}),
            digest_database=str(Path(folder) / "state.sqlite3"),
            database_url=Secret(database_url) if database_url else None,
        )
        bot = DisputeBot(settings)
        core = bot.core
        statements = {"count": 0}

        def count(*_: object) -> None:
            statements["count"] += 1

        engine = bot.database.get().engine
        sa.event.listen(engine, "before_cursor_execute", count)
        admin = {"platform": "slack", "team": "T0BENCH", "can_manage": True, "can_configure": True}
        for number in range(200):  # channels that chose, and a team with its settings
            core.handle_line("/use anthropic-pentagon-2026", channel=f"C{number:05d}", **admin)
        core.handle_line("/settings language fr", channel="C00000", **admin)
        where = {"platform": "slack", "team": "T0BENCH", "channel": "C00042"}
        spent: dict[str, list[float]] = {"no_channel": [], "command": [], "autocomplete": []}
        sent: dict[str, list[int]] = {name: [] for name in spent}
        request = Request(command="", **where)
        for _ in range(runs):
            for name in spent:
                before = statements["count"]
                started = time.perf_counter()
                if name == "no_channel":
                    core.handle_line("/quote trump", platform="console")
                elif name == "command":
                    core.handle_line("/quote trump", **where)
                else:
                    core.complete("speaker", "tru", request=request)
                spent[name].append(time.perf_counter() - started)
                sent[name].append(statements["count"] - before)
        dialect = engine.dialect.name
        bot.preferences.close()
        bot.database.close()
    return {
        "database": dialect,
        "runs": runs,
        "median_ms": {k: round(median(v) * 1000, 3) for k, v in spent.items()},
        "p99_ms": {k: round(percentile(v, 0.99) * 1000, 3) for k, v in spent.items()},
        "statements_per_answer": {k: max(v) for k, v in sent.items()},
        "lookup_median_ms": round(
            (median(spent["command"]) - median(spent["no_channel"])) * 1000, 3
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--database-url", help="PostgreSQL instead of a SQLite file")
    args = parser.parse_args()
    print(json.dumps(measure(args.runs, args.database_url)))


if __name__ == "__main__":
    main()
