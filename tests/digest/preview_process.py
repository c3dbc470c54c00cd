"""One bot process answering `/digest` previews in a channel, for the test that two replicas
agree on what is new (tests/digest/test_first_seen.py).

`python -m tests.digest.preview_process '<json spec>'` builds production settings (the seeds
folder and the state in DATABASE_URL or a SQLite file), then for each step reads a line on
stdin (the test changes the world in between), sets the clock to the step's instant and does
it: `preview` prints the preview's first item as a JSON line, `post` records a digest posted
in the channel that day, `reload` reads the seeds again; the others print `ok`.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import time_machine
from msgspec import structs

from bot.app import DisputeBot
from bot.config import Secret, load_settings

CHANNEL = "C1"


def main(spec: dict[str, Any]) -> None:
    overrides: dict[str, Any] = {"seeds": spec["seeds"], "snapshot_dir": None}
    if spec.get("database_url"):
        overrides["database_url"] = Secret(spec["database_url"])
    else:
        overrides["digest_database"] = spec["database"]
    settings = structs.replace(load_settings(environ={}), **overrides)
    bot = DisputeBot(settings, dossier=None)
    assert Path(settings.seeds).is_dir()
    try:
        for at, action in spec["steps"]:
            sys.stdin.readline()
            with time_machine.travel(dt.datetime.fromisoformat(at), tick=False):
                now = dt.datetime.now(dt.UTC)
                if action == "preview":
                    item = bot.core.handle_line("/digest", platform="slack", channel=CHANNEL)
                    first = item.items[0]
                    print(json.dumps({"title": first.title, "body": first.body}), flush=True)
                    continue
                if action == "post":
                    bot.digest.store.record_post(
                        platform="slack",
                        channel=CHANNEL,
                        dossier=bot.core.library.default,
                        local_date=now.date(),
                        kind="daily",
                        message_id="1",
                        quote_id=None,
                        rotation_round=0,
                        now=now,
                    )
                elif action == "reload":
                    assert bot.reload("command").ok
                print("ok", flush=True)
    finally:
        bot.digest.close()
        bot.database.close()


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
