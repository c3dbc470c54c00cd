"""The drafting engine stays out of the bot's way: no spaCy for `ask`, rules without spaCy.

That bot/draft imports no dossier, core, command or platform is the "draft-apart" contract
of pyproject.toml (tests/app/test_layers.py).
"""

from __future__ import annotations

import json
import subprocess
import sys

from bot.config import PROJECT_ROOT

_ASK_PROBE = """
import contextlib, io, json, sys
from bot.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["ask", "/quote trump"])
heavy = [m for m in sys.modules if m.split(".")[0] in ("spacy", "thinc")]
heavy += [m for m in sys.modules if m.startswith("bot.draft")]
print(json.dumps(sorted(heavy)))
"""
_WITHOUT_SPACY = """
import sys
sys.modules["spacy"] = None  # as if the `draft` extra were not installed
from bot.cli import main
sys.exit(main(["draft", "--format", "json", sys.argv[1]]))
"""


def test_dispute_bot_ask_imports_no_spacy_nor_the_draft_engine() -> None:
    """/draft is one of the bot's commands, but only a draft loads the engine."""
    probe = subprocess.run(
        [sys.executable, "-c", _ASK_PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(probe.stdout.strip().splitlines()[-1]) == []


def test_drafting_works_on_rules_alone_and_says_so_without_spacy() -> None:
    article = PROJECT_ROOT / "seeds/articles/2026-02-28-trump-drops-anthropic.txt"
    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_SPACY, str(article)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "rules only: spaCy is not installed" in result.stderr
    quotes = json.loads(result.stdout)["quotes"]
    assert {q["actor"] for q in quotes} >= {"trump", "hegseth", "amodei", "tech-employees"}
