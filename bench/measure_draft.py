"""Issue 13's figures: `dispute-bot draft` against hand-made gold, and how fast it drafts.

Drafts each shipped seed article with the dossier's actors and compares with the dossier's
hand-curated entries; then the development set (tests/draft/gold, written alongside the
rules), the held-out set (tests/draft/heldout, written by someone else without seeing
the rules), unseen set 3 (tests/draft/unseen, written after the rules were tuned on the
held-out set, by someone who did not read them) and unseen sets 4, 5 and 6 (tests/draft/unseen4,
tests/draft/unseen5, tests/draft/unseen6, likewise written without reading or running the
rules), French and English apart, with each set's misses quote by quote ("misses"). Also times
a 5,000-character French article once the model is loaded; the chat's /draft of that article in
a fresh bot process, the first (which loads the model) and the next, with the process's memory
before and after; and checks that a cold `dispute-bot ask` imports no spaCy.

    PYTHONPATH=. .venv/bin/python -m bench.measure_draft [--rules-only] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.draft_score import Score, gold_from_dossier, gold_from_json, score
from bench.stats import median
from bot.config import PROJECT_ROOT
from bot.corpus import load_corpus
from bot.draft import draft_article, draft_file, read_article
from bot.draft.nlp import parser_status

SEEDS = PROJECT_ROOT / "seeds"
SETS = {
    "development": PROJECT_ROOT / "tests" / "draft" / "gold",
    "held-out": PROJECT_ROOT / "tests" / "draft" / "heldout",
    "unseen, set 3": PROJECT_ROOT / "tests" / "draft" / "unseen",
    "unseen, set 4": PROJECT_ROOT / "tests" / "draft" / "unseen4",
    "unseen, set 5": PROJECT_ROOT / "tests" / "draft" / "unseen5",
    "unseen, set 6": PROJECT_ROOT / "tests" / "draft" / "unseen6",
}
_PROBE = """
import contextlib, io, json, sys
from bot.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["ask", "/quote trump"])
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("spacy", "thinc", "bot"))))
"""


def measure_seeds(use_parser: bool) -> dict[str, float]:
    corpus = load_corpus(SEEDS)
    total = Score()
    for article in corpus.articles:
        draft = draft_file(SEEDS / article.path, corpus.actors, use_parser=use_parser)
        total.add(score(draft, gold_from_dossier(corpus, article.id)))
    return total.figures()


def measure_set(
    folder: Path, use_parser: bool, misses: list[str] | None = None
) -> dict[str, dict[str, float]]:
    """A set's figures by language; each quote or event the draft got wrong goes to `misses`,
    as `article: what` (`missed`, `not in gold`, `speaker`, `said_on`, `event missed`)."""
    by_language: dict[str, Score] = {}
    for gold_path in sorted(folder.glob("*.gold.json")):
        article = gold_path.with_name(gold_path.name.removesuffix(".gold.json") + ".txt")
        draft = draft_file(article, use_parser=use_parser)
        result = score(draft, gold_from_json(gold_path))
        by_language.setdefault(draft.article.language, Score()).add(result)
        if misses is not None:
            misses += [f"{article.stem}: {error}" for error in result.errors]
    return {language: s.figures() for language, s in sorted(by_language.items())}


def speed_article() -> bytes:
    """A 5,000-character French article, from the development set's French bodies."""
    bodies = [
        p.read_text(encoding="utf-8").split("\n", 1)[1].strip()
        for p in sorted(SETS["development"].glob("*.txt"))
        if "date 20" in p.read_text(encoding="utf-8")[:20]
    ]
    french = [b for b in bodies if " le " in b]
    body = "\n\n".join(french)
    while len(body) < 5_000:
        body += "\n\n" + body
    cut = body.find("\n", 5_000)
    body = body if cut < 0 else body[:cut]
    return f"date 2026-03-12 Essai de vitesse\n{body}".encode()


def measure_speed(use_parser: bool, runs: int = 5) -> dict[str, float]:
    """Seconds to draft a 5,000-character French article, the model already loaded."""
    article = read_article(speed_article(), "speed.txt")
    draft_article(article, use_parser=use_parser)  # loads the model
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        draft_article(article, use_parser=use_parser)
        spent.append(time.perf_counter() - started)
    return {"characters": len(article.body), "median_s": round(median(spent), 3)}


_CHAT = """
import json, sys, time
if sys.argv[2] == "rules":
    sys.modules["spacy"] = None  # as in the bot's image, without the `draft` extra
from bot.app import build_core
from bot.config import load_settings
from bot.core import Request
from bot.reply import Attachment

def rss_mb():
    with open("/proc/self/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return round(kb / 1024, 1)

core = build_core(load_settings(environ={}))
data = open(sys.argv[1], "rb").read()
request = Request(command="draft", platform="slack", is_operator=True,
                  attachment=Attachment(name="speed.txt", media_type="text/plain", data=data))
before = rss_mb()
spent = []
for _ in range(3):
    started = time.perf_counter()
    reply = core.handle(request)
    spent.append(round(time.perf_counter() - started, 3))
    assert reply.attachments, reply.text
print(json.dumps({"first_s": spent[0], "next_s": sorted(spent[1:])[0],
                  "rss_mb_before": before, "rss_mb_after": rss_mb()}))
"""


def measure_chat(use_parser: bool, folder: Path) -> dict[str, float]:
    """The chat's /draft in a fresh bot process: the first draft (the model loads), the
    next, and the process's resident memory before and after."""
    article = folder / "speed.txt"
    article.parent.mkdir(parents=True, exist_ok=True)
    article.write_bytes(speed_article())
    mode = "spacy" if use_parser else "rules"
    probe = subprocess.run(
        [sys.executable, "-c", _CHAT, str(article), mode],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(probe.stdout.strip().splitlines()[-1]))


def cold_ask_imports() -> list[str]:
    """The spaCy modules a cold `dispute-bot ask` imports (there should be none)."""
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
    )
    modules = json.loads(probe.stdout.strip().splitlines()[-1])
    return [m for m in modules if not m.startswith("bot")] + [
        m for m in modules if m.startswith("bot.draft")
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rules-only", action="store_true", help="leave spaCy out")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    use_parser = not args.rules_only
    misses: dict[str, list[str]] = {name: [] for name in SETS}
    results = {
        "parser": parser_status() if use_parser else "rules only (--rules-only)",
        "seeds": measure_seeds(use_parser),
        **{name: measure_set(folder, use_parser, misses[name]) for name, folder in SETS.items()},
        "speed_5000_chars": measure_speed(use_parser),
        "chat_draft_5000_chars": measure_chat(use_parser, PROJECT_ROOT / "build" / "bench"),
        "cold_ask_imports_spacy_or_draft": cold_ask_imports(),
        "misses": misses,
    }
    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
