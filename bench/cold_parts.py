"""Where a cold `dispute-bot ask "/quote trump"` spends its instructions, part by part.

Each part is counted by valgrind's callgrind (the same count whatever the machine's load) in a
fresh process that does the work up to that part, the difference from the one before being
the part's share: the interpreter; `yaml` and `rapidfuzz` (all the bare import does); the
other modules `ask` imports that are not the bot's; the bot's own modules; the settings;
reading the dossier without its provenance rules; the rules; the dossier's indexes; and the
answer. Run from the project's root, bytecode compiled first (`python -m compileall bot
handlers`, with PYTHONDONTWRITEBYTECODE unset), no snapshot of the dossier kept:

    PYTHONPATH=. .venv/bin/python -m bench.cold_parts

Prints one JSON line: millions of instructions by part, and the total of the real `ask`.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

# Each stage does the work of the ones before it, then its own.
_STAGE = """
import sys
stage = int(sys.argv[1])
if stage >= 1:
    import yaml, rapidfuzz
if stage >= 2:
    import importlib, json
    names = json.loads(sys.argv[2])
    for name in names:
        if not name.startswith(("bot", "handlers")):
            try:
                importlib.import_module(name)
            except Exception:
                pass
if stage >= 3:
    for name in names:
        if name.startswith(("bot", "handlers")):
            importlib.import_module(name)
if stage >= 4:
    from pathlib import Path
    from bot.config import load_settings
    settings = load_settings(None)
if stage >= 5:
    from bot.corpus import loader
    if stage == 5:
        loader.check_rules = lambda **_: []
    corpus = loader.load_corpus(Path(settings.seeds))
if stage >= 7:
    from bot.dossier import Dossier
    Dossier(corpus)
"""
_MODULES = """
import contextlib, io, json, sys
before = set(sys.modules)
from bot.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["ask", "/quote trump"])
print(json.dumps([m for m in sys.modules if m not in before and not m.startswith("_cython")]))
"""
PARTS = (
    "the interpreter",
    "yaml and rapidfuzz",
    "other modules ask imports",
    "the bot's own modules",
    "the settings",
    "reading the dossier",
    "the provenance rules",
    "the dossier's indexes",
)


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISPUTE_BOT_", "SLACK_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["DISPUTE_BOT_SNAPSHOT_DIR"] = "null"  # never read a kept dossier instead of parsing
    return env


def _instructions(command: list[str], env: dict[str, str]) -> int:
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : ([\d,]+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from valgrind: {done.stderr[-500:]}")
    return int(found[1].replace(",", ""))


def measure() -> dict[str, object]:
    env = _environment()
    python = sys.executable
    names = subprocess.run(
        [python, "-c", _MODULES], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    counts = [_instructions([python, "-c", _STAGE, str(n), names], env) for n in range(8)]
    ask = _instructions([str(Path(python).parent / "dispute-bot"), "ask", "/quote trump"], env)
    shares = [counts[0]] + [b - a for a, b in itertools.pairwise(counts)]
    parts = {part: round(share / 1e6, 1) for part, share in zip(PARTS, shares, strict=True)}
    parts["the answer"] = round((ask - counts[-1]) / 1e6, 1)
    return {"millions_of_instructions": parts, "ask_total": round(ask / 1e6, 1)}


if __name__ == "__main__":
    print(json.dumps(measure()))
